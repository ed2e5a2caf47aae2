//! Parsing a ConductorOne client ID and client secret.
//!
//! Client ID: `<name>@<host>/<use>`, e.g. `strange-hydra-68836@acme.conductor.one/pcc`;
//! a host without a dot (and without a port) is a tenant name (`acme` means
//! `acme.conductor.one`).
//!
//! Client secret: `secret-token:conductorone.com:v1:<JWK>`, where `<JWK>` is the
//! base64url (no padding) encoding of `{"kty":"OKP","crv":"Ed25519","x":..,"d":..}`.
//!
//! Error messages name the part that is wrong and never contain any part of
//! the secret (not even the decoder's message, which can quote input bytes).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretBox, SecretString};

use crate::error::{Error, ErrorKind, Result};
use crate::shown::quotable;

/// The prefix every ConductorOne client secret starts with.
const SECRET_PREFIX: &str = "secret-token:conductorone.com:v1:";

/// The domain a bare tenant name belongs to.
const TENANT_DOMAIN: &str = "conductor.one";

/// A parsed client ID and the Ed25519 key of its secret.
pub(crate) struct ClientCredentials {
    client_id: String,
    /// The tenant's host (with a port if the ID had one).
    host: String,
    /// The 32-byte Ed25519 seed (`d`), zeroized on drop; its public key was
    /// checked against `x`.
    seed: SecretBox<[u8; 32]>,
}

impl ClientCredentials {
    /// Parses and checks `client_id` and `secret`.
    pub(crate) fn parse(client_id: &str, secret: &SecretString) -> Result<ClientCredentials> {
        let client_id = client_id.trim();
        let host = parse_client_id(client_id)?;
        let seed = parse_secret(secret.expose_secret().trim())?;
        Ok(ClientCredentials {
            client_id: client_id.to_owned(),
            host,
            seed,
        })
    }

    /// The client ID, as given (trimmed).
    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The base URL implied by the client ID: `https://<host>`.
    pub(crate) fn default_base_url(&self) -> String {
        format!("https://{}", self.host)
    }

    /// The signing key; it zeroizes itself when dropped.
    pub(crate) fn signing_key(&self) -> SigningKey {
        SigningKey::from_bytes(self.seed.expose_secret())
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

fn config(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Config, message)
}

/// The client ID, when a message may show it: it has the shape of one (`@`
/// with a `/` after it) and is [`quotable`]. `None` otherwise, so a secret
/// given as the client ID (arguments swapped) is never shown.
pub(crate) fn shown_client_id(client_id: &str) -> Option<&str> {
    let (_, rest) = client_id.split_once('@')?;
    (rest.contains('/') && quotable(client_id)).then_some(client_id)
}

/// Checks `<name>@<host>/<use>` and returns the normalized host. Messages
/// quote the ID only as [`shown_client_id`] allows.
pub(crate) fn parse_client_id(client_id: &str) -> Result<String> {
    const SHAPE: &str =
        "must look like `<name>@<host>/<use>`, e.g. `my-client@acme.conductor.one/pcc`";
    if client_id.is_empty() {
        return Err(config(format!("the client ID is empty; it {SHAPE}")));
    }
    let the_id = match shown_client_id(client_id) {
        Some(shown) => format!("the client ID `{shown}`"),
        None => "the client ID".to_owned(),
    };
    let Some((name, rest)) = client_id.split_once('@') else {
        return Err(config(format!("{the_id} has no `@`; it {SHAPE}")));
    };
    if name.is_empty() {
        return Err(config(format!(
            "{the_id} has an empty name before `@`; it {SHAPE}"
        )));
    }
    let Some((host, usage)) = rest.split_once('/') else {
        return Err(config(format!(
            "{the_id} has no `/<use>` after the host; it {SHAPE}"
        )));
    };
    if usage.is_empty() {
        return Err(config(format!(
            "{the_id} has an empty `<use>` after `/`; it {SHAPE}"
        )));
    }
    if client_id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(config(format!(
            "{the_id} contains whitespace or control characters; it {SHAPE}"
        )));
    }
    normalize_host(host).ok_or_else(|| {
        let host = if the_id.contains('`') {
            format!(" `{host}`")
        } else {
            String::new()
        };
        config(format!(
            "{the_id} has an invalid host{host} between `@` and `/`; it {SHAPE}"
        ))
    })
}

/// `acme` -> `acme.conductor.one`; a name with a dot or a port is kept.
/// `None` when `host` is not a valid host (with optional port).
pub(crate) fn normalize_host(host: &str) -> Option<String> {
    if host.is_empty() || host.contains(['/', '@', '?', '#', '\\']) {
        return None;
    }
    let host = if host.contains(['.', ':']) {
        host.to_owned()
    } else {
        format!("{host}.{TENANT_DOMAIN}")
    };
    let url = reqwest::Url::parse(&format!("https://{host}/")).ok()?;
    if url.host_str().is_none_or(str::is_empty) || url.path() != "/" {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

/// Parses the secret into the Ed25519 seed and checks its public key.
fn parse_secret(secret: &str) -> Result<SecretBox<[u8; 32]>> {
    if secret.is_empty() {
        return Err(config("the client secret is empty"));
    }
    let Some(encoded) = secret.strip_prefix(SECRET_PREFIX) else {
        return Err(config(format!(
            "the client secret does not start with `{SECRET_PREFIX}`"
        )));
    };
    if encoded.is_empty() {
        return Err(config(format!(
            "the client secret has no key after `{SECRET_PREFIX}`"
        )));
    }
    // The decoder's own error quotes input bytes: never pass it on.
    let json =
        Zeroizing::new(URL_SAFE_NO_PAD.decode(encoded).map_err(|_| {
            config("the client secret's key is not valid base64url (without padding)")
        })?);
    let jwk: Jwk<'_> = serde_json::from_slice(&json)
        .map_err(|_| config("the client secret's key is not a JSON Web Key object"))?;
    if jwk.kty != Some("OKP") {
        return Err(config(
            "the client secret's key has the wrong key type: `kty` must be `OKP`",
        ));
    }
    if jwk.crv != Some("Ed25519") {
        return Err(config(
            "the client secret's key has the wrong curve: `crv` must be `Ed25519`",
        ));
    }
    let Some(d) = jwk.d else {
        return Err(config("the client secret's key has no private key (`d`)"));
    };
    let d = Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(d)
            .map_err(|_| config("the client secret's private key (`d`) is not valid base64url"))?,
    );
    let Ok(seed) = <[u8; 32]>::try_from(d.as_slice()) else {
        return Err(config(
            "the client secret's private key (`d`) is not 32 bytes long",
        ));
    };
    let seed = Zeroizing::new(seed);
    let Some(x) = jwk.x else {
        return Err(config("the client secret's key has no public key (`x`)"));
    };
    let x = URL_SAFE_NO_PAD
        .decode(x)
        .map_err(|_| config("the client secret's public key (`x`) is not valid base64url"))?;
    let Ok(x) = <[u8; 32]>::try_from(x.as_slice()) else {
        return Err(config(
            "the client secret's public key (`x`) is not 32 bytes long",
        ));
    };
    let public = SigningKey::from_bytes(&seed).verifying_key();
    if public.to_bytes() != x {
        return Err(config(
            "the client secret's public key (`x`) does not match its private key (`d`)",
        ));
    }
    let seed = SecretBox::init_with_mut(|s: &mut [u8; 32]| s.copy_from_slice(&*seed));
    Ok(seed)
}

/// The fields of the JWK c1 reads; borrowed so no copy of `d` outlives the
/// zeroized buffer (base64url never needs JSON escapes).
#[derive(serde::Deserialize)]
struct Jwk<'a> {
    #[serde(borrow, default)]
    kty: Option<&'a str>,
    #[serde(borrow, default)]
    crv: Option<&'a str>,
    #[serde(borrow, default)]
    x: Option<&'a str>,
    #[serde(borrow, default)]
    d: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_normalization() {
        assert_eq!(
            normalize_host("acme").as_deref(),
            Some("acme.conductor.one")
        );
        assert_eq!(
            normalize_host("acme.conductor.one").as_deref(),
            Some("acme.conductor.one")
        );
        assert_eq!(
            normalize_host("127.0.0.1:9000").as_deref(),
            Some("127.0.0.1:9000")
        );
        assert_eq!(
            normalize_host("localhost:9000").as_deref(),
            Some("localhost:9000")
        );
        for bad in ["", "a/b", "u@h", "h?x", "h#x", "ex ample.com", "[::1"] {
            assert_eq!(normalize_host(bad), None, "{bad}");
        }
    }

    #[test]
    fn client_id_parts() {
        assert_eq!(
            parse_client_id("hydra-1@acme/pcc").unwrap(),
            "acme.conductor.one"
        );
        assert_eq!(
            parse_client_id("hydra-1@acme.example.com/pcc").unwrap(),
            "acme.example.com"
        );
        let msg = |id: &str| parse_client_id(id).unwrap_err().to_string();
        assert!(msg("").contains("empty"));
        assert!(msg("hydra").contains("no `@`"));
        assert!(msg("@acme/pcc").contains("empty name"));
        assert!(msg("hydra@acme").contains("no `/<use>`"));
        assert!(msg("hydra@acme/").contains("empty `<use>`"));
        assert!(msg("hydra@/pcc").contains("invalid host"));
        assert!(msg("hy dra@acme/pcc").contains("whitespace"));
    }
}
