//! Compact JWS (RFC 7515): reading a token's parts, and signing one.
//!
//! Only the three algorithms ConductorOne signs with are known; `none`,
//! the HMAC family and every other `alg` are refused by name before any key
//! is looked at, so a token cannot choose how it is checked.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::crypto::PrivateKey;

/// The longest token read (bytes): far above any real one, it bounds the
/// work a forged header can cause.
pub(crate) const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A JWS signature algorithm that ConductorOne uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `RS256`: RSASSA-PKCS1-v1_5 with SHA-256 (keys of 2048 to 8192 bits).
    Rs256,
    /// `ES256`: ECDSA on P-256 with SHA-256.
    Es256,
    /// `EdDSA`: Ed25519.
    EdDsa,
}

impl Algorithm {
    /// The `alg` value: `RS256`, `ES256` or `EdDSA`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RS256",
            Algorithm::Es256 => "ES256",
            Algorithm::EdDsa => "EdDSA",
        }
    }

    /// The algorithm named `alg`, exactly (JOSE names are case-sensitive).
    pub(crate) fn from_alg(alg: &str) -> Option<Algorithm> {
        match alg {
            "RS256" => Some(Algorithm::Rs256),
            "ES256" => Some(Algorithm::Es256),
            "EdDSA" => Some(Algorithm::EdDsa),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a token could not be read; it never quotes the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// Not three base64url parts, or longer than [`MAX_TOKEN_LEN`].
    Shape,
    /// The header is not a base64url JSON object.
    Header,
    /// The payload is not a base64url JSON object.
    Payload,
    /// The signature is not base64url.
    Signature,
}

/// A compact JWS, split and decoded; nothing is verified yet.
pub(crate) struct Token<'t> {
    pub(crate) header: Map<String, Value>,
    pub(crate) claims: Map<String, Value>,
    /// `<header>.<payload>` as sent: what the signature signs.
    pub(crate) signing_input: &'t [u8],
    pub(crate) signature: Vec<u8>,
}

impl<'t> Token<'t> {
    /// Splits and decodes `token`.
    pub(crate) fn parse(token: &'t str) -> Result<Token<'t>, Malformed> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Malformed::Shape);
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Malformed::Shape);
        };
        let header = object(h).ok_or(Malformed::Header)?;
        let claims = object(p).ok_or(Malformed::Payload)?;
        let signature = URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| Malformed::Signature)?;
        Ok(Token {
            header,
            claims,
            signing_input: &token.as_bytes()[..h.len() + 1 + p.len()],
            signature,
        })
    }
}

/// A base64url (unpadded) JSON object.
fn object(part: &str) -> Option<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// A compact JWS of `claims` with `header`, signed by `key`; `None` when
/// the key fails to sign (never in practice).
pub(crate) fn sign(header: &Value, claims: &Value, key: &PrivateKey) -> Option<String> {
    let mut token = URL_SAFE_NO_PAD.encode(header.to_string());
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = key.sign(token.as_bytes())?;
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn parses_three_base64url_parts() {
        let token = format!(
            "{}.{}.{}",
            b64(r#"{"alg":"EdDSA"}"#),
            b64(r#"{"a":1}"#),
            "AAEC"
        );
        let parsed = Token::parse(&token).unwrap();
        assert_eq!(parsed.header["alg"], "EdDSA");
        assert_eq!(parsed.claims["a"], 1);
        assert_eq!(parsed.signature, [0, 1, 2]);
        assert_eq!(
            parsed.signing_input,
            token.rsplit_once('.').unwrap().0.as_bytes()
        );
    }

    #[test]
    fn refuses_what_is_not_a_compact_jws() {
        let h = b64(r#"{"alg":"EdDSA"}"#);
        let p = b64("{}");
        for (token, why) in [
            (String::new(), Malformed::Shape),
            (format!("{h}.{p}"), Malformed::Shape),
            (format!("{h}.{p}.AA.AA"), Malformed::Shape),
            (format!("{}.{p}.AA", b64("[1]")), Malformed::Header),
            (format!("{h}.{}.AA", b64("\"x\"")), Malformed::Payload),
            (format!("{h}=.{p}.AA"), Malformed::Header),
            (format!("{h}.{p}.A+/="), Malformed::Signature),
            (
                format!("{h}.{p}.{}", "A".repeat(MAX_TOKEN_LEN)),
                Malformed::Shape,
            ),
        ] {
            assert_eq!(Token::parse(&token).err(), Some(why), "{token}");
        }
    }

    #[test]
    fn algorithm_names_are_exact() {
        for alg in [Algorithm::Rs256, Algorithm::Es256, Algorithm::EdDsa] {
            assert_eq!(Algorithm::from_alg(alg.as_str()), Some(alg));
        }
        for other in ["none", "HS256", "rs256", "ES384", "PS256", "Ed25519", ""] {
            assert_eq!(Algorithm::from_alg(other), None, "{other}");
        }
    }
}
