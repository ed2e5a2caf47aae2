//! Workload federation: the fake's OIDC issuer, its federation trusts, and the checks of
//! the token-exchange grant (RFC 8693) on `/auth/v1/token`.
//!
//! A workload (a CI job, a pod) holds a short-lived OIDC JWT from its platform; it trades
//! it at the token endpoint, under a federation trust's client ID, for a bearer token. The
//! fake plays both parts: it is the issuer (an Ed25519 key published as a JWKS, and
//! [`crate::FakeC1::oidc_token`] to mint tokens) and the tenant that verifies them.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde_json::{Map, Value, json};

use crate::auth::{ACCEPTED_AUDIENCES, CLOCK_SKEW_SECS, OAuthError, random_hex};

/// The token-exchange grant type (RFC 8693).
pub const TOKEN_EXCHANGE_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// The only `subject_token_type` the token exchange accepts: a JWT.
pub const JWT_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";
/// The longest a subject token may be valid: its `exp` at most this long after its `iat`
/// (after now when it has no `iat`), in seconds (24 hours).
pub const MAX_SUBJECT_TOKEN_LIFETIME_SECS: i64 = 24 * 3600;
/// The lifetime of a token from [`crate::FakeC1::oidc_token`] unless its claims say
/// otherwise (`exp` = `iat` + 300 s), like a CI platform's short-lived token.
pub const OIDC_TOKEN_LIFETIME_SECS: i64 = 300;
/// The `sub` of a token from [`crate::FakeC1::oidc_token`] unless overridden (GitHub
/// Actions' shape).
pub const DEFAULT_OIDC_SUBJECT: &str = "repo:acme/app:ref:refs/heads/main";
/// The path of the fake's OIDC issuer under its base URL.
pub(crate) const ISSUER_PATH: &str = "/oidc";
/// The signing algorithm of the issuer's key, the only one the exchange accepts.
const ALG: &str = "EdDSA";

/// The token request's fields for a token exchange, every one required, no other allowed.
const EXCHANGE_FIELDS: [&str; 4] = [
    "grant_type",
    "subject_token",
    "subject_token_type",
    "client_id",
];
/// Client authentication, refused in a token exchange (the subject token is the credential).
const CLIENT_AUTH_FIELDS: [&str; 3] =
    ["client_assertion", "client_assertion_type", "client_secret"];

/// The fake's OIDC issuer: its URL and Ed25519 signing key (with its `kid`).
pub(crate) struct Issuer {
    url: String,
    kid: String,
    signing: SigningKey,
    verifying: VerifyingKey,
}

impl Issuer {
    /// A fresh issuer at `url` with a random key.
    pub(crate) fn generate(url: String) -> Issuer {
        let signing = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
        Issuer {
            url,
            kid: format!("fake-{}", random_hex(8)),
            verifying: signing.verifying_key(),
            signing,
        }
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// The discovery document served at `<issuer>/.well-known/openid-configuration`.
    pub(crate) fn discovery(&self) -> Value {
        json!({
            "issuer": self.url,
            "jwks_uri": format!("{}/jwks", self.url),
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALG],
            "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nbf", "jti"],
        })
    }

    /// The JWKS served at `<issuer>/jwks`: the public key as an OKP JWK.
    pub(crate) fn jwks(&self) -> Value {
        json!({
            "keys": [{
                "kty": "OKP",
                "crv": "Ed25519",
                "x": URL_SAFE_NO_PAD.encode(self.verifying.to_bytes()),
                "kid": self.kid,
                "alg": ALG,
                "use": "sig",
            }]
        })
    }

    /// A signed token with the default claims at wall-clock second `now`, each overridden
    /// by `overrides` (a `null` removes the claim).
    pub(crate) fn token(&self, overrides: &Map<String, Value>, now: i64) -> String {
        let mut claims = Map::new();
        claims.insert("iss".into(), json!(self.url));
        claims.insert("aud".into(), json!(ACCEPTED_AUDIENCES[0]));
        claims.insert("sub".into(), json!(DEFAULT_OIDC_SUBJECT));
        claims.insert("iat".into(), json!(now));
        claims.insert("nbf".into(), json!(now));
        claims.insert(
            "exp".into(),
            json!(now.saturating_add(OIDC_TOKEN_LIFETIME_SECS)),
        );
        claims.insert("jti".into(), json!(random_hex(16)));
        for (name, value) in overrides {
            if value.is_null() {
                claims.remove(name);
            } else {
                claims.insert(name.clone(), value.clone());
            }
        }
        let header = json!({ "alg": ALG, "typ": "JWT", "kid": self.kid });
        self.sign(&header, &Value::Object(claims))
    }

    fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.signing.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// Verify a subject token as the tenant does: compact JWS, `alg` EdDSA, a `kid` this
    /// issuer publishes, the signature, `iss`, `aud`, and its times at wall-clock `now`.
    /// Returns its claims. No description quotes the token or any part of it.
    pub(crate) fn verify(&self, jwt: &str, now: i64) -> Result<Map<String, Value>, OAuthError> {
        let mut parts = jwt.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad(
                "subject token is not a compact JWS (header.payload.signature)",
            ));
        };
        let header = b64_object(h, "header")?;
        if header.get("alg").and_then(Value::as_str) != Some(ALG) {
            return Err(bad("subject token alg must be EdDSA, the issuer's"));
        }
        if header.contains_key("crit") {
            return Err(bad(
                "subject token has critical header parameters the tenant does not understand",
            ));
        }
        let claims = b64_object(p, "payload")?;
        // The issuer picks the keys to verify with, so it is checked first.
        if claims.get("iss").and_then(Value::as_str) != Some(self.url.as_str()) {
            return Err(bad("subject token iss is not the trusted issuer"));
        }
        match header.get("kid") {
            None => return Err(bad("subject token has no kid")),
            Some(Value::String(kid)) if *kid == self.kid => {}
            Some(_) => return Err(bad("subject token kid is not in the issuer's JWKS")),
        }
        let signature = URL_SAFE_NO_PAD
            .decode(s)
            .ok()
            .and_then(|bytes| Signature::from_slice(&bytes).ok())
            .ok_or_else(|| bad("subject token signature is malformed"))?;
        self.verifying
            .verify_strict(&jwt.as_bytes()[..h.len() + 1 + p.len()], &signature)
            .map_err(|_| bad("subject token signature does not verify with the issuer's key"))?;
        if !audience_ok(claims.get("aud")) {
            return Err(bad(
                "subject token aud must name the tenant's host (\"127.0.0.1\" or \"localhost\")",
            ));
        }
        check_times(&claims, now)?;
        Ok(claims)
    }
}

/// 400 `invalid_grant`: the subject token or the trust's condition failed.
fn bad(description: &str) -> OAuthError {
    OAuthError::invalid_grant(description)
}

fn b64_object(part: &str, what: &str) -> Result<Map<String, Value>, OAuthError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| bad(&format!("subject token {what} is not base64url")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad(&format!("subject token {what} is not a JSON object"))),
    }
}

/// `aud`, a string or an array, names one of [`ACCEPTED_AUDIENCES`].
fn audience_ok(aud: Option<&Value>) -> bool {
    let accepted = |a: &Value| a.as_str().is_some_and(|a| ACCEPTED_AUDIENCES.contains(&a));
    match aud {
        Some(Value::Array(list)) => list.iter().any(accepted),
        Some(a) => accepted(a),
        None => false,
    }
}

fn numeric(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, OAuthError> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| bad(&format!("subject token {name} is not a number"))),
    }
}

/// `exp` present and not past; `nbf` and `iat` not in the future (all with
/// [`CLOCK_SKEW_SECS`]); `exp` at most [`MAX_SUBJECT_TOKEN_LIFETIME_SECS`] after `iat` (or
/// now). Saturating: any number is answered.
fn check_times(claims: &Map<String, Value>, now: i64) -> Result<(), OAuthError> {
    let exp = numeric(claims, "exp")?.ok_or_else(|| bad("subject token has no exp"))?;
    if now > exp.saturating_add(CLOCK_SKEW_SECS) {
        return Err(bad("subject token expired"));
    }
    let future = now.saturating_add(CLOCK_SKEW_SECS);
    if numeric(claims, "nbf")?.is_some_and(|nbf| nbf > future) {
        return Err(bad("subject token not yet valid (nbf)"));
    }
    let iat = numeric(claims, "iat")?;
    if iat.is_some_and(|iat| iat > future) {
        return Err(bad("subject token issued in the future (iat)"));
    }
    if exp.saturating_sub(iat.unwrap_or(now)) > MAX_SUBJECT_TOKEN_LIFETIME_SECS {
        return Err(bad("subject token lifetime exceeds 24 hours"));
    }
    Ok(())
}

/// The registered federation trusts: client ID to the claims a subject token must carry.
#[derive(Default)]
pub(crate) struct Trusts {
    trusts: HashMap<String, Map<String, Value>>,
}

impl Trusts {
    /// Register a trust requiring these claims; returns its client ID.
    pub(crate) fn add(&mut self, required: Map<String, Value>) -> String {
        let client_id = format!("fake-trust-{}@{}/wfe", random_hex(6), ACCEPTED_AUDIENCES[0]);
        self.trusts.insert(client_id.clone(), required);
        client_id
    }

    pub(crate) fn get(&self, client_id: &str) -> Option<&Map<String, Value>> {
        self.trusts.get(client_id)
    }
}

/// The trust's condition: each required claim equals the token's (as JSON values, so a
/// required string matches only that string, like CEL's `claims.x == "y"`).
pub(crate) fn check_condition(
    required: &Map<String, Value>,
    claims: &Map<String, Value>,
) -> Result<(), OAuthError> {
    for (name, value) in required {
        if claims.get(name) != Some(value) {
            return Err(bad(&format!(
                "subject token does not meet the federation trust's condition on claim {name}"
            )));
        }
    }
    Ok(())
}

/// Check the token exchange's form: exactly [`EXCHANGE_FIELDS`], none empty, no client
/// authentication, a JWT subject token type. Returns `(client_id, subject_token)`.
pub(crate) fn exchange_fields(
    fields: &HashMap<String, String>,
) -> Result<(&str, &str), OAuthError> {
    if let Some(name) = CLIENT_AUTH_FIELDS.iter().find(|f| fields.contains_key(**f)) {
        return Err(OAuthError::invalid_request(format!(
            "{name} is not allowed with token exchange: the subject token is the credential"
        )));
    }
    if let Some(name) = fields
        .keys()
        .find(|k| !EXCHANGE_FIELDS.contains(&k.as_str()))
    {
        // A parameter name is quoted only when it looks like one (never a token).
        let shown = if name.len() <= 40
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            name.as_str()
        } else {
            "(unrecognised name)"
        };
        return Err(OAuthError::invalid_request(format!(
            "unexpected parameter {shown} in token exchange (send exactly grant_type, subject_token, subject_token_type, client_id)"
        )));
    }
    let get = |name: &'static str| {
        fields
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| OAuthError::invalid_request(format!("missing {name}")))
    };
    let subject_token = get("subject_token")?;
    let token_type = get("subject_token_type")?;
    let client_id = get("client_id")?;
    if token_type != JWT_TOKEN_TYPE {
        return Err(OAuthError::invalid_request(format!(
            "subject_token_type must be {JWT_TOKEN_TYPE}"
        )));
    }
    Ok((client_id, subject_token))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn issuer() -> Issuer {
        Issuer::generate("http://127.0.0.1:9/oidc".into())
    }

    fn overrides(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn reason(r: Result<Map<String, Value>, OAuthError>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.error, "invalid_grant");
        assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
        e.description
    }

    #[test]
    fn its_own_tokens_verify_and_overrides_apply() {
        let issuer = issuer();
        let token = issuer.token(
            &overrides(json!({ "repository": "acme/app", "jti": null })),
            NOW,
        );
        let claims = issuer.verify(&token, NOW).unwrap();
        assert_eq!(claims["iss"], "http://127.0.0.1:9/oidc");
        assert_eq!(claims["aud"], "127.0.0.1");
        assert_eq!(claims["sub"], DEFAULT_OIDC_SUBJECT);
        assert_eq!(claims["exp"], NOW + OIDC_TOKEN_LIFETIME_SECS);
        assert_eq!(claims["repository"], "acme/app");
        assert!(!claims.contains_key("jti"));
    }

    #[test]
    fn a_kid_the_issuer_does_not_publish_is_refused_even_when_the_signature_is_good() {
        let issuer = issuer();
        let claims = json!({ "iss": issuer.url, "aud": "127.0.0.1", "iat": NOW, "exp": NOW + 60 });
        for header in [
            json!({ "alg": "EdDSA", "kid": "other-key" }),
            json!({ "alg": "EdDSA" }),
            json!({ "alg": "EdDSA", "kid": 7 }),
        ] {
            let token = issuer.sign(&header, &claims);
            assert!(reason(issuer.verify(&token, NOW)).contains("kid"));
        }
        let mut header = json!({ "alg": "EdDSA", "kid": issuer.kid, "crit": ["exp"] });
        assert!(reason(issuer.verify(&issuer.sign(&header, &claims), NOW)).contains("critical"));
        header.as_object_mut().unwrap().remove("crit");
        issuer.verify(&issuer.sign(&header, &claims), NOW).unwrap();
    }

    #[test]
    fn times_are_checked_with_skew_and_saturate() {
        let issuer = issuer();
        let at = |v: Value| issuer.verify(&issuer.token(&overrides(v), NOW), NOW);
        at(json!({ "exp": NOW - CLOCK_SKEW_SECS })).unwrap();
        assert!(reason(at(json!({ "exp": NOW - CLOCK_SKEW_SECS - 1 }))).contains("expired"));
        assert!(reason(at(json!({ "exp": null }))).contains("no exp"));
        assert!(reason(at(json!({ "exp": "soon" }))).contains("not a number"));
        at(json!({ "nbf": NOW + CLOCK_SKEW_SECS })).unwrap();
        assert!(reason(at(json!({ "nbf": NOW + CLOCK_SKEW_SECS + 1 }))).contains("nbf"));
        assert!(reason(at(json!({ "iat": NOW + 60 }))).contains("iat"));
        let max = MAX_SUBJECT_TOKEN_LIFETIME_SECS;
        at(json!({ "exp": NOW + max })).unwrap();
        assert!(reason(at(json!({ "exp": NOW + max + 1 }))).contains("24 hours"));
        assert!(reason(at(json!({ "iat": NOW - max, "exp": NOW + 60 }))).contains("24 hours"));
        at(json!({ "iat": null, "nbf": null, "exp": NOW + 60 })).unwrap();
        for extreme in [i64::MAX, i64::MIN] {
            let _ = at(json!({ "exp": extreme, "iat": extreme, "nbf": extreme }));
        }
        let _ = at(json!({ "exp": 1e300, "iat": -1e300 }));
    }

    #[test]
    fn audiences_may_be_a_string_or_an_array_containing_the_host() {
        assert!(audience_ok(Some(&json!("localhost"))));
        assert!(audience_ok(Some(&json!(["sts.example", "127.0.0.1"]))));
        assert!(!audience_ok(Some(&json!(["sts.example"]))));
        assert!(!audience_ok(Some(&json!([]))));
        assert!(!audience_ok(Some(&json!(127))));
        assert!(!audience_ok(None));
    }
}
