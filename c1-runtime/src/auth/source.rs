//! Access tokens from the user's own code: the public [`TokenSource`]
//! trait, and its resolver for the identity cache.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};
use tokio::time::Instant;

use super::cache::{BoxFuture, Resolve, Token, call_timeout};
use super::{BadToken, bearer_header};
use crate::client::ClientInner;
use crate::error::{Error, ErrorKind, Result};
use crate::log::duration_ms;

/// Where a [`Client`](crate::Client) gets its access tokens when your code
/// supplies them: a secrets vault, a sidecar, a credential helper. Set it
/// with [`ClientBuilder::token_source`](crate::ClientBuilder::token_source).
///
/// The client asks for a token on first use and caches it for all clones,
/// like the tokens it fetches itself: it asks again shortly before the
/// token expires (between 10 s and 60 s early, see
/// [`AccessToken::expires_in`]), once however many calls are waiting, and
/// when the API answers `401` to the token (the call is then retried once
/// with the new one). A failure is handed to the calls that waited for it,
/// is not cached (the next call asks again), and is not retried by c1:
/// retry inside `token` if your source can fail transiently. The wait is
/// bounded by the call's [`timeout`](crate::ClientBuilder::timeout).
///
/// ```no_run
/// # use c1_runtime as c1;
/// use std::time::Duration;
///
/// struct Vault {
///     path: String,
/// }
///
/// impl c1::TokenSource for Vault {
///     async fn token(&self) -> Result<c1::AccessToken, c1::BoxError> {
///         // Ask the vault; any error type converts with `?`.
///         let token = std::fs::read_to_string(&self.path)?;
///         Ok(c1::AccessToken::new(token).expires_in(Duration::from_secs(600)))
///     }
/// }
///
/// # fn main() -> c1::Result<()> {
/// let client = c1::Client::builder()
///     .base_url("https://acme.conductor.one")
///     .token_source(Vault { path: "/run/secrets/c1-token".into() })
///     .build()?;
/// # Ok(()) }
/// ```
pub trait TokenSource: Send + Sync + 'static {
    /// A current access token, or why there is none. Write it as an
    /// `async fn`; the future must be `Send`.
    fn token(&self) -> impl Future<Output = std::result::Result<AccessToken, BoxError>> + Send;
}

/// A source shared with the rest of your program (to count its use, or
/// change its settings) is a source too.
impl<S: TokenSource> TokenSource for std::sync::Arc<S> {
    fn token(&self) -> impl Future<Output = std::result::Result<AccessToken, BoxError>> + Send {
        S::token(self)
    }
}

/// Any error, boxed: what a [`TokenSource`] fails with.
pub type BoxError = Box<dyn StdError + Send + Sync>;

/// An access token a [`TokenSource`] gives, and how long it lives.
///
/// `Debug` never shows the token.
pub struct AccessToken {
    token: SecretString,
    expires_in: Option<Duration>,
}

impl AccessToken {
    /// The token (`Bearer ` is added when missing). It lives 5 minutes
    /// unless [`expires_in`](AccessToken::expires_in) says otherwise.
    pub fn new(token: impl Into<String>) -> AccessToken {
        AccessToken {
            token: SecretString::from(token.into()),
            expires_in: None,
        }
    }

    /// How long the token is valid from now (at most 24 hours is
    /// believed). The client asks for a new one half that time early, but
    /// at least 10 s and at most 60 s early.
    pub fn expires_in(mut self, lifetime: Duration) -> AccessToken {
        self.expires_in = Some(lifetime);
        self
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// A [`TokenSource`] as a resolver of the identity cache.
pub(crate) struct Custom<S>(pub(crate) S);

impl<S: TokenSource> Resolve for Custom<S> {
    fn resolve<'a>(
        &'a self,
        inner: &'a ClientInner,
        deadline: Instant,
    ) -> BoxFuture<'a, Result<Token>> {
        Box::pin(async move {
            let asked_at = Instant::now();
            let asking = inner.deadlines.run(asked_at, deadline, self.0.token());
            let result = match asking.await {
                Err(_elapsed) => Err(call_timeout(inner)),
                Ok(Err(e)) => Err(Error::new(
                    ErrorKind::Auth,
                    "the token source failed (its error is this error's source)",
                )
                .with_boxed_source(e)),
                Ok(Ok(access)) => token(&access, asked_at),
            };
            match &result {
                Ok(token) => tracing::debug!(
                    target: "c1",
                    elapsed_ms = duration_ms(asked_at.elapsed()),
                    expires_in_s = token.expires_at.saturating_duration_since(Instant::now()).as_secs(),
                    "fetched an access token"
                ),
                Err(error) => tracing::debug!(
                    target: "c1",
                    kind = ?error.kind(),
                    "fetching an access token failed"
                ),
            }
            result
        })
    }

    fn describe(&self, f: &mut fmt::Formatter<'_>, token: &str) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("source", &std::any::type_name::<S>())
            .field("token", &token)
            .finish()
    }
}

/// The cached form of `access`, asked for at `asked_at`.
fn token(access: &AccessToken, asked_at: Instant) -> Result<Token> {
    let header = bearer_header(access.token.expose_secret()).map_err(|problem| {
        let problem = match problem {
            BadToken::Empty => "an empty access token".to_owned(),
            BadToken::NotHeaderSafe => format!("an access token that {problem}"),
        };
        Error::new(ErrorKind::Auth, format!("the token source gave {problem}"))
    })?;
    Ok(Token::new(header, asked_at, access.expires_in))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_access_token_is_checked_and_never_shown() {
        let now = Instant::now();
        let access = AccessToken::new("vault-token-value").expires_in(Duration::from_secs(600));
        assert!(!format!("{access:?}").contains("vault-token-value"));
        let t = token(&access, now).unwrap();
        assert_eq!(t.header, "Bearer vault-token-value");
        assert!(t.header.is_sensitive());
        assert_eq!(t.refresh_at - now, Duration::from_secs(540));
        let t = token(&AccessToken::new("Bearer v"), now).unwrap();
        assert_eq!(t.header, "Bearer v");
        assert_eq!(t.expires_at - now, Duration::from_secs(300));
        let e = token(&AccessToken::new(" "), now).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert_eq!(e.to_string(), "the token source gave an empty access token");
        let e = token(&AccessToken::new("a\nsecret"), now).unwrap_err();
        assert!(
            e.to_string().contains("not allowed in an HTTP header"),
            "{e}"
        );
        assert!(!e.to_string().contains("secret"), "{e}");
    }
}
