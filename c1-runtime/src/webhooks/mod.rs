//! ConductorOne's webhooks, without its models (feature `webhooks`): the
//! verifier of the bearer JWT on each delivery (against the tenant's
//! rotating JWKS, with a replay cache), the callback that answers a
//! delivery later, and the sender that triggers an automation's inbound
//! webhook listener. The `c1` crate adds the typed deliveries and answers
//! (`c1::webhooks`).
//!
//! Signatures, SHA-256 and HMAC come from the TLS backend's crypto library
//! (aws-lc-rs or ring), already built for TLS: no JWT crate.

mod callback;
mod crypto;
mod exchange;
mod inbound;
mod jwk;
mod jws;
mod keys;
mod replay;
mod verify;

/// The HTTP types a request to verify comes in (a framework's request is
/// an `http::Request`).
pub use http;

pub use callback::{CallbackError, CallbackUrl, send_callback};
pub use inbound::{EventId, InboundWebhook, JwtKey, MAX_INBOUND_BODY, Triggered};
pub use jws::Algorithm;
pub use keys::JWKS_PATH;
pub use replay::DEFAULT_REPLAY_CAPACITY;
pub use verify::{
    Check, DEFAULT_JWKS_MAX_AGE, DEFAULT_LEEWAY, DEFAULT_REFETCH_INTERVAL, MAX_TOKEN_LIFETIME,
    TokenVerifier, TokenVerifierBuilder, VerifiedToken, VerifyError,
};
