//! Workload federation on the fake over real HTTP on loopback: its OIDC issuer (discovery
//! document, JWKS, minted tokens), federation trusts, and the token-exchange grant of
//! `POST /auth/v1/token` with each of its refusals.

mod common;

use common::post_token;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use c1_fake::FakeC1;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde_json::{Value, json};

const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";
const OWNER_PATH: &str = "/api/v2/apps/app-1/connectors/conn-1/owners/users/owner/user-1";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn b64_json(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// The header and claims of a compact JWS.
fn decode(jwt: &str) -> (Value, Value) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    (b64_json(parts[0]), b64_json(parts[1]))
}

fn signing_input(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// A JWS signed with `key` (Ed25519).
fn sign(key: &SigningKey, header: &Value, claims: &Value) -> String {
    let input = signing_input(header, claims);
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
}

/// HMAC-SHA256 (RFC 2104), for a token with `alg: HS256`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    use sha2::{Digest as _, Sha256};
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(Sha256::digest(key).as_slice());
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish()
}

/// The token exchange of `subject_token` under `client_id`, with exactly the four fields.
async fn exchange(fake: &FakeC1, client_id: &str, subject_token: &str) -> (u16, Value) {
    post_token(
        fake,
        form(&[
            ("grant_type", EXCHANGE),
            ("subject_token", subject_token),
            ("subject_token_type", JWT_TYPE),
            ("client_id", client_id),
        ]),
    )
    .await
}

async fn get(fake: &FakeC1, path: &str, bearer: Option<&str>) -> (u16, Value) {
    let mut req = reqwest::Client::new().get(format!("{}{path}", fake.base_url()));
    if let Some(token) = bearer {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A refusal: this status and OAuth error, a description that quotes no part of the
/// subject token, `Cache-Control: no-store` aside; nothing issued.
fn assert_refused(
    (status, body): &(u16, Value),
    want_status: u16,
    want_error: &str,
    subject_token: &str,
) -> String {
    assert_eq!(*status, want_status, "{body}");
    assert_eq!(body["error"], want_error, "{body}");
    assert!(body.get("access_token").is_none(), "{body}");
    let description = body["error_description"].as_str().unwrap_or_default();
    assert!(!description.is_empty(), "{body}");
    assert!(!body.to_string().contains(subject_token), "{body}");
    for part in subject_token.split('.').filter(|p| p.len() >= 8) {
        assert!(
            !description.contains(part),
            "quotes the subject token: {body}"
        );
    }
    description.to_owned()
}

// ---------------------------------------------------------------- the issuer

#[tokio::test]
async fn the_issuer_publishes_discovery_and_a_jwks_that_verifies_its_tokens() {
    let fake = FakeC1::start().await;
    let issuer = fake.oidc_issuer();
    assert_eq!(issuer, format!("{}/oidc", fake.base_url()));

    let (status, discovery) = get(&fake, "/oidc/.well-known/openid-configuration", None).await;
    assert_eq!(status, 200, "{discovery}");
    assert_eq!(discovery["issuer"], issuer);
    assert_eq!(discovery["jwks_uri"], format!("{issuer}/jwks"));
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"],
        json!(["EdDSA"])
    );

    let (status, jwks) = get(&fake, "/oidc/jwks", None).await;
    assert_eq!(status, 200, "{jwks}");
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{jwks}");
    let jwk = &keys[0];
    assert_eq!(
        (&jwk["kty"], &jwk["crv"], &jwk["alg"], &jwk["use"]),
        (
            &json!("OKP"),
            &json!("Ed25519"),
            &json!("EdDSA"),
            &json!("sig")
        )
    );
    assert!(jwk.get("d").is_none(), "the JWKS has no private key: {jwk}");
    let x: [u8; 32] = URL_SAFE_NO_PAD
        .decode(jwk["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let public = VerifyingKey::from_bytes(&x).unwrap();

    let before = now();
    let token = fake.oidc_token(json!({}));
    let after = now();
    let (header, claims) = decode(&token);
    assert_eq!(
        header,
        json!({ "alg": "EdDSA", "typ": "JWT", "kid": jwk["kid"] })
    );
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = Signature::from_slice(&URL_SAFE_NO_PAD.decode(sig).unwrap()).unwrap();
    public.verify_strict(input.as_bytes(), &sig).unwrap();

    assert_eq!(claims["iss"], issuer);
    assert_eq!(claims["aud"], "127.0.0.1");
    assert_eq!(claims["sub"], "repo:acme/app:ref:refs/heads/main");
    let iat = claims["iat"].as_i64().unwrap();
    assert!((before..=after).contains(&iat), "{claims}");
    assert_eq!(claims["nbf"], iat);
    assert_eq!(claims["exp"], iat + 300);
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
    assert_ne!(decode(&fake.oidc_token(json!({}))).1["jti"], claims["jti"]);

    // Overrides replace, extend and (with null) remove claims.
    let (_, claims) = decode(&fake.oidc_token(json!({
        "sub": "system:serviceaccount:ci:deployer",
        "repository": "acme/app",
        "aud": ["127.0.0.1", "sts.example"],
        "jti": null,
    })));
    assert_eq!(claims["sub"], "system:serviceaccount:ci:deployer");
    assert_eq!(claims["repository"], "acme/app");
    assert_eq!(claims["aud"], json!(["127.0.0.1", "sts.example"]));
    assert!(claims.get("jti").is_none(), "{claims}");

    // Every fake is its own issuer with its own key.
    let other = FakeC1::start().await;
    assert_ne!(get(&other, "/oidc/jwks", None).await.1, jwks);
}

#[tokio::test]
async fn trusts_have_the_wfe_client_id_shape() {
    let fake = FakeC1::start().await;
    let a = fake.add_federation_trust(json!({}));
    let b = fake.add_federation_trust(json!({ "repository": "acme/app" }));
    for id in [&a, &b] {
        assert!(id.ends_with("@127.0.0.1/wfe"), "{id}");
        assert!(!id.starts_with('@'), "{id}");
    }
    assert_ne!(a, b);
}

// ---------------------------------------------------------------- exchanges

#[tokio::test]
async fn a_valid_exchange_yields_a_bearer_token_the_api_accepts() {
    let fake = FakeC1::builder()
        .token_lifetime(Duration::from_secs(900))
        .start()
        .await;
    let client_id = fake.add_federation_trust(json!({
        "repository": "acme/app",
        "ref": "refs/heads/main",
    }));
    let subject = fake.oidc_token(json!({ "repository": "acme/app", "ref": "refs/heads/main" }));

    let (status, body) = exchange(&fake, &client_id, &subject).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let token = body["access_token"].as_str().unwrap();
    assert!(!token.is_empty() && token != subject);
    assert_eq!((fake.token_exchanges(), fake.token_requests()), (1, 1));

    // The API accepts it; it is not accepted without it.
    let (status, owner) = get(&fake, OWNER_PATH, Some(token)).await;
    assert_eq!(status, 200, "{owner}");
    assert_eq!(owner["connectorOwnerUser"]["user"]["id"], "user-1");
    assert_eq!(get(&fake, OWNER_PATH, None).await.0, 401);
    // Issued tokens are issued tokens: expire_tokens() ends them.
    fake.expire_tokens();
    assert_eq!(get(&fake, OWNER_PATH, Some(token)).await.0, 401);

    // The same subject token may be exchanged again while valid, and `aud` may be an
    // array containing the host, or "localhost".
    assert_eq!(exchange(&fake, &client_id, &subject).await.0, 200);
    for aud in [json!(["sts.example", "127.0.0.1"]), json!("localhost")] {
        let subject = fake.oidc_token(json!({
            "repository": "acme/app", "ref": "refs/heads/main", "aud": aud,
        }));
        assert_eq!(exchange(&fake, &client_id, &subject).await.0, 200);
    }
    // No iat or nbf is fine (a SPIFFE JWT-SVID has neither).
    let open = fake.add_federation_trust(json!({}));
    let bare = fake.oidc_token(json!({ "iat": null, "nbf": null, "exp": now() + 60 }));
    assert_eq!(exchange(&fake, &open, &bare).await.0, 200);
    assert_eq!((fake.token_exchanges(), fake.token_requests()), (5, 5));

    // The subject token never reaches the request log or the handle's Debug.
    let logged = format!("{:?} {fake:?}", fake.requests());
    assert!(!logged.contains(&subject), "{logged}");
    let record = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/auth/v1/token")
        .unwrap();
    let fields: Vec<(String, String)> = form_urlencoded::parse(record.body.as_bytes())
        .into_owned()
        .collect();
    assert!(
        fields.contains(&("subject_token".into(), "[redacted]".into())),
        "{fields:?}"
    );
    assert!(fields.contains(&("client_id".into(), client_id.clone())));
    assert_eq!(fake.secret_leaks(), 0);
}

#[tokio::test]
async fn token_faults_apply_to_exchanges_and_both_grants_are_counted() {
    let fake = FakeC1::start().await;
    let client_id = fake.add_federation_trust(json!({}));
    let subject = fake.oidc_token(json!({}));
    fake.token_faults().fail_next(&[503]);
    assert_eq!(exchange(&fake, &client_id, &subject).await.0, 503);
    assert_eq!(exchange(&fake, &client_id, &subject).await.0, 200);
    // A client-credentials request counts as a token request, not an exchange.
    let (status, _) = post_token(&fake, form(&[("grant_type", "client_credentials")])).await;
    assert_eq!(status, 400);
    assert_eq!((fake.token_requests(), fake.token_exchanges()), (3, 1));
}

// ---------------------------------------------------------------- refusals

#[tokio::test]
async fn a_token_signed_by_another_key_is_refused() {
    let fake = FakeC1::start().await;
    let client_id = fake.add_federation_trust(json!({}));
    let (header, claims) = decode(&fake.oidc_token(json!({})));
    let attacker = SigningKey::from_bytes(&rand::random::<[u8; 32]>());

    // The fake's kid, valid claims, the attacker's signature, even with the attacker's key
    // embedded in the header (which the tenant must not trust).
    let mut forged_header = header.clone();
    forged_header["jwk"] = json!({
        "kty": "OKP", "crv": "Ed25519",
        "x": URL_SAFE_NO_PAD.encode(attacker.verifying_key().to_bytes()),
    });
    for header in [header.clone(), forged_header] {
        let forged = sign(&attacker, &header, &claims);
        let reply = exchange(&fake, &client_id, &forged).await;
        let why = assert_refused(&reply, 400, "invalid_grant", &forged);
        assert!(why.contains("signature"), "{why}");
    }

    // A token from another fake (another issuer, another key) is refused too.
    let other = FakeC1::start().await;
    let foreign = other.oidc_token(json!({}));
    assert_refused(
        &exchange(&fake, &client_id, &foreign).await,
        400,
        "invalid_grant",
        &foreign,
    );
    // ... and so is that token with its issuer changed to ours (the signature is the other key's).
    let (h, mut c) = decode(&foreign);
    c["iss"] = json!(fake.oidc_issuer());
    let sig = foreign.rsplit_once('.').unwrap().1;
    let spliced = format!("{}.{sig}", signing_input(&h, &c));
    let why = assert_refused(
        &exchange(&fake, &client_id, &spliced).await,
        400,
        "invalid_grant",
        &spliced,
    );
    assert!(why.contains("kid") || why.contains("signature"), "{why}");

    // A flipped signature bit.
    let good = fake.oidc_token(json!({}));
    let (input, sig) = good.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(sig).unwrap();
    bytes[0] ^= 1;
    let flipped = format!("{input}.{}", URL_SAFE_NO_PAD.encode(bytes));
    assert_refused(
        &exchange(&fake, &client_id, &flipped).await,
        400,
        "invalid_grant",
        &flipped,
    );
    assert_eq!(fake.token_exchanges(), 0);
}

#[tokio::test]
async fn a_wrong_issuer_or_audience_is_refused() {
    let fake = FakeC1::start().await;
    let client_id = fake.add_federation_trust(json!({}));
    for (claims, about) in [
        (
            json!({ "iss": "https://token.actions.githubusercontent.com" }),
            "iss",
        ),
        (json!({ "iss": format!("{}/", fake.oidc_issuer()) }), "iss"),
        (json!({ "iss": null }), "iss"),
        (json!({ "aud": "acme.conductor.one" }), "aud"),
        (json!({ "aud": ["sts.example", "api.example"] }), "aud"),
        (json!({ "aud": [] }), "aud"),
        (json!({ "aud": null }), "aud"),
        (json!({ "aud": format!("{}", fake.addr()) }), "aud"),
    ] {
        let subject = fake.oidc_token(claims.clone());
        let reply = exchange(&fake, &client_id, &subject).await;
        let why = assert_refused(&reply, 400, "invalid_grant", &subject);
        assert!(why.contains(about), "{claims}: {why}");
    }
    assert_eq!(fake.token_exchanges(), 0);
}

#[tokio::test]
async fn an_expired_not_yet_valid_or_too_long_lived_token_is_refused() {
    let fake = FakeC1::start().await;
    let client_id = fake.add_federation_trust(json!({}));
    let t = now();
    for (claims, about) in [
        (
            json!({ "iat": t - 400, "nbf": t - 400, "exp": t - 60 }),
            "expired",
        ),
        (json!({ "exp": null }), "exp"),
        (json!({ "exp": "tomorrow" }), "exp"),
        (json!({ "nbf": t + 120 }), "nbf"),
        (json!({ "iat": t + 120, "nbf": t }), "iat"),
        // Valid for longer than 24 hours, or issued more than 24 hours ago.
        (json!({ "exp": t + 25 * 3600 }), "24 hours"),
        (
            json!({ "iat": t - 25 * 3600, "nbf": t - 25 * 3600, "exp": t + 60 }),
            "24 hours",
        ),
        // Numbers no clock reaches are answered, not a panic.
        (json!({ "exp": i64::MAX, "iat": i64::MIN }), "24 hours"),
        (json!({ "exp": 1e300 }), "24 hours"),
    ] {
        let subject = fake.oidc_token(claims.clone());
        let reply = exchange(&fake, &client_id, &subject).await;
        let why = assert_refused(&reply, 400, "invalid_grant", &subject);
        assert!(why.contains(about), "{claims}: {why}");
    }
    // Within the 10 s skew is still fine.
    let subject = fake.oidc_token(json!({ "iat": t + 5, "nbf": t + 5, "exp": t - 5 + 300 }));
    assert_eq!(exchange(&fake, &client_id, &subject).await.0, 200);
    let subject = fake.oidc_token(json!({ "iat": t - 300, "nbf": t - 300, "exp": t - 5 }));
    assert_eq!(exchange(&fake, &client_id, &subject).await.0, 200);
}

#[tokio::test]
async fn only_eddsa_with_the_published_kid_is_accepted() {
    let fake = FakeC1::start().await;
    let client_id = fake.add_federation_trust(json!({}));
    let (header, claims) = decode(&fake.oidc_token(json!({})));
    let jwks = get(&fake, "/oidc/jwks", None).await.1;
    let x = URL_SAFE_NO_PAD
        .decode(jwks["keys"][0]["x"].as_str().unwrap())
        .unwrap();

    // HMAC-SHA256 matches RFC 4231's test case 2, so the HS256 token below is a real one.
    assert_eq!(
        hmac_sha256(b"Jefe", b"what do ya want for nothing?")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    let with_alg = |alg: Value| {
        let mut h = header.clone();
        h["alg"] = alg;
        h
    };
    // alg none: no signature.
    let none = format!("{}.", signing_input(&with_alg(json!("none")), &claims));
    // HS256 keyed with the issuer's public key: the classic algorithm confusion.
    let input = signing_input(&with_alg(json!("HS256")), &claims);
    let mac = URL_SAFE_NO_PAD.encode(hmac_sha256(&x, input.as_bytes()));
    let hs256 = format!("{input}.{mac}");
    // Right key, other EdDSA spellings or no alg at all.
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let ed25519 = sign(&key, &with_alg(json!("Ed25519")), &claims);
    let mut no_alg = header.clone();
    no_alg.as_object_mut().unwrap().remove("alg");
    let no_alg = sign(&key, &no_alg, &claims);
    for subject in [none, hs256, ed25519, no_alg] {
        let reply = exchange(&fake, &client_id, &subject).await;
        let why = assert_refused(&reply, 400, "invalid_grant", &subject);
        assert!(why.contains("alg"), "{why}");
    }

    // A kid the JWKS does not publish, or none.
    let mut unknown = header.clone();
    unknown["kid"] = json!("rotated-away");
    let mut no_kid = header.clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    for h in [unknown, no_kid] {
        let subject = sign(&key, &h, &claims);
        let reply = exchange(&fake, &client_id, &subject).await;
        let why = assert_refused(&reply, 400, "invalid_grant", &subject);
        assert!(why.contains("kid"), "{why}");
    }

    // Not a compact JWS at all.
    let good = fake.oidc_token(json!({}));
    let (h, rest) = good.split_once('.').unwrap();
    for subject in [
        "not-a-jwt".to_owned(),
        format!("{good}.extra"),
        format!("{h}.!!!.{}", rest.split_once('.').unwrap().1),
        format!("{}.{rest}", URL_SAFE_NO_PAD.encode("[1, 2]")),
        format!("{}.{rest}", URL_SAFE_NO_PAD.encode("{\"alg\": ")),
    ] {
        assert_refused(
            &exchange(&fake, &client_id, &subject).await,
            400,
            "invalid_grant",
            &subject,
        );
    }
    assert_eq!(fake.token_exchanges(), 0);
}

#[tokio::test]
async fn an_unknown_client_id_is_invalid_client() {
    let fake = FakeC1::start().await;
    let trust = fake.add_federation_trust(json!({}));
    let subject = fake.oidc_token(json!({}));
    let other = FakeC1::start().await;
    let others_trust = other.add_federation_trust(json!({}));
    for client_id in [
        "nobody@127.0.0.1/wfe".to_owned(),
        trust.replace("/wfe", "/pcc"),
        others_trust,
        // The client-credentials client is no federation trust.
        fake.credentials().client_id.clone(),
    ] {
        let reply = exchange(&fake, &client_id, &subject).await;
        let why = assert_refused(&reply, 401, "invalid_client", &subject);
        assert!(why.contains("client_id"), "{why}");
    }
    assert_eq!(exchange(&fake, &trust, &subject).await.0, 200);
    assert_eq!(fake.token_exchanges(), 1);
}

#[tokio::test]
async fn an_unmet_trust_condition_is_refused() {
    let fake = FakeC1::start().await;
    let client_id = fake.add_federation_trust(json!({
        "repository": "acme/app",
        "run_attempt": "1",
    }));
    for claims in [
        json!({ "repository": "evil/app", "run_attempt": "1" }),
        json!({ "repository": "acme/app-fork", "run_attempt": "1" }),
        json!({ "repository": "ACME/app", "run_attempt": "1" }),
        json!({ "run_attempt": "1" }),
        // A number is not the string "1", as in CEL.
        json!({ "repository": "acme/app", "run_attempt": 1 }),
        json!({ "repository": ["acme/app"], "run_attempt": "1" }),
    ] {
        let subject = fake.oidc_token(claims.clone());
        let reply = exchange(&fake, &client_id, &subject).await;
        let why = assert_refused(&reply, 400, "invalid_grant", &subject);
        assert!(why.contains("condition"), "{claims}: {why}");
    }
    let subject = fake.oidc_token(json!({ "repository": "acme/app", "run_attempt": "1" }));
    assert_eq!(exchange(&fake, &client_id, &subject).await.0, 200);
    // Required claims apply to the standard ones too.
    let main_only =
        fake.add_federation_trust(json!({ "sub": "repo:acme/app:ref:refs/heads/main" }));
    let branch = fake.oidc_token(json!({ "sub": "repo:acme/app:ref:refs/heads/dev" }));
    assert_refused(
        &exchange(&fake, &main_only, &branch).await,
        400,
        "invalid_grant",
        &branch,
    );
    let main = fake.oidc_token(json!({}));
    assert_eq!(exchange(&fake, &main_only, &main).await.0, 200);
    assert_eq!(fake.token_exchanges(), 2);
}

#[tokio::test]
async fn a_malformed_exchange_form_is_invalid_request() {
    let fake = FakeC1::start().await;
    let client_id = fake.add_federation_trust(json!({}));
    let subject = fake.oidc_token(json!({}));
    let all = [
        ("grant_type", EXCHANGE),
        ("subject_token", subject.as_str()),
        ("subject_token_type", JWT_TYPE),
        ("client_id", client_id.as_str()),
    ];
    // Each field missing, or empty.
    for i in 0..all.len() {
        for empty in [false, true] {
            let mut pairs = all.to_vec();
            if empty {
                pairs[i].1 = "";
            } else {
                pairs.remove(i);
            }
            let reply = post_token(&fake, form(&pairs)).await;
            let why = assert_refused(&reply, 400, "invalid_request", &subject);
            assert!(why.contains(all[i].0), "{pairs:?}: {why}");
        }
    }
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut pairs = all.to_vec();
        pairs.extend_from_slice(extra);
        form(&pairs)
    };
    // Client authentication has no place in a token exchange.
    for extra in [
        &[
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", "eyJhbGciOiJFZERTQSJ9.e30.c2ln"),
        ][..],
        &[("client_assertion", "eyJhbGciOiJFZERTQSJ9.e30.c2ln")][..],
        &[("client_secret", "secret-token:conductorone.com:v1:e30")][..],
    ] {
        let reply = post_token(&fake, with(extra)).await;
        let why = assert_refused(&reply, 400, "invalid_request", &subject);
        assert!(why.contains("not allowed"), "{extra:?}: {why}");
    }
    // Exactly the four fields: another RFC 8693 parameter is refused, naming it.
    let reply = post_token(&fake, with(&[("audience", "127.0.0.1")])).await;
    let why = assert_refused(&reply, 400, "invalid_request", &subject);
    assert!(why.contains("audience"), "{why}");
    // A parameter named like the token is not quoted.
    let mut pairs = all.to_vec();
    pairs.push((subject.as_str(), "x"));
    assert_refused(
        &post_token(&fake, form(&pairs)).await,
        400,
        "invalid_request",
        &subject,
    );
    // A subject token of another type, or repeated.
    let mut pairs = all.to_vec();
    pairs[2].1 = "urn:ietf:params:oauth:token-type:access_token";
    let why = assert_refused(
        &post_token(&fake, form(&pairs)).await,
        400,
        "invalid_request",
        &subject,
    );
    assert!(why.contains("subject_token_type"), "{why}");
    let mut pairs = all.to_vec();
    pairs.push(("subject_token", subject.as_str()));
    assert_refused(
        &post_token(&fake, form(&pairs)).await,
        400,
        "invalid_request",
        &subject,
    );
    // Not a form at all.
    let resp = reqwest::Client::new()
        .post(format!("{}/auth/v1/token", fake.base_url()))
        .header("content-type", "application/json")
        .body(json!({ "grant_type": EXCHANGE, "subject_token": subject }).to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let reply = (
        status,
        serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap(),
    );
    assert_refused(&reply, 400, "invalid_request", &subject);
    // Another grant type stays unsupported.
    let mut pairs = all.to_vec();
    pairs[0].1 = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    assert_refused(
        &post_token(&fake, form(&pairs)).await,
        400,
        "unsupported_grant_type",
        &subject,
    );

    assert_eq!(fake.token_exchanges(), 0);
    assert_eq!(exchange(&fake, &client_id, &subject).await.0, 200);
}

// ---------------------------------------------------------------- the binary

/// The binary prints a federation sign-in whose client ID and OIDC token exchange for a
/// bearer token, the token valid for an hour.
#[tokio::test]
async fn the_binary_prints_a_federation_sign_in_that_works() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_c1-fake"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut base = None;
    let mut federation = false;
    let (mut client_id, mut oidc_token) = (None, None);
    for line in lines {
        let line = line.unwrap();
        let quoted = |prefix: &str| {
            line.strip_prefix(prefix)
                .map(|v| v.trim_matches('\'').to_owned())
        };
        if let Some(url) = line.strip_prefix("base URL:") {
            base = Some(url.trim().to_owned());
        }
        if line.starts_with("workload federation") {
            federation = true;
        }
        if federation {
            client_id = client_id.or_else(|| quoted("export CONDUCTORONE_CLIENT_ID="));
            oidc_token = oidc_token.or_else(|| quoted("export CONDUCTORONE_OIDC_TOKEN="));
        }
        if oidc_token.is_some() {
            break;
        }
    }
    let (base, client_id, oidc_token) = (base.unwrap(), client_id.unwrap(), oidc_token.unwrap());
    assert!(client_id.ends_with("@127.0.0.1/wfe"), "{client_id}");
    let (_, claims) = decode(&oidc_token);
    assert_eq!(claims["iss"], format!("{base}/oidc"));
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );

    let resp = reqwest::Client::new()
        .post(format!("{base}/auth/v1/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&[
            ("grant_type", EXCHANGE),
            ("subject_token", &oidc_token),
            ("subject_token_type", JWT_TYPE),
            ("client_id", &client_id),
        ]))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
}
