//! Tests of the fake C1 tenant over real HTTP on loopback.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use c1_fake::{FakeC1, TestCredentials};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn signing_key(creds: &TestCredentials) -> SigningKey {
    let jwk = creds
        .client_secret
        .strip_prefix("secret-token:conductorone.com:v1:")
        .unwrap();
    let jwk: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(jwk).unwrap()).unwrap();
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    let d: [u8; 32] = URL_SAFE_NO_PAD
        .decode(jwk["d"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = SigningKey::from_bytes(&d);
    let x = URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap();
    assert_eq!(x, key.verifying_key().to_bytes());
    key
}

fn nonce() -> String {
    (0..16)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

fn jws(key: &SigningKey, header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
}

fn good_claims(client_id: &str) -> Value {
    let t = now();
    json!({ "iss": client_id, "sub": client_id, "aud": ["127.0.0.1"], "iat": t, "nbf": t - 120, "exp": t + 120 })
}

fn good_header() -> Value {
    json!({ "alg": "EdDSA", "nonce": nonce() })
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            s.push('&');
        }
        s.push_str(k);
        s.push('=');
        s.extend(v.bytes().map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        }));
    }
    s
}

/// POST a token request with this assertion; returns (status, JSON body).
async fn token_with(fake: &FakeC1, client_id: &str, assertion: &str) -> (u16, Value) {
    let body = form(&[
        ("client_id", client_id),
        ("grant_type", "client_credentials"),
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", assertion),
    ]);
    let resp = reqwest::Client::new()
        .post(format!("{}/auth/v1/token", fake.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn issue_token(fake: &FakeC1) -> String {
    let creds = fake.credentials().clone();
    let key = signing_key(&creds);
    let (status, body) = token_with(
        fake,
        &creds.client_id,
        &jws(&key, &good_header(), &good_claims(&creds.client_id)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

async fn assert_rejected(fake: &FakeC1, header: Value, claims: Value) -> Value {
    let creds = fake.credentials().clone();
    let key = signing_key(&creds);
    let (status, body) = token_with(fake, &creds.client_id, &jws(&key, &header, &claims)).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"], "invalid_client", "{body}");
    body
}

/// Send a request with an optional bearer token; returns (status, headers, JSON body or Null).
async fn call(
    fake: &FakeC1,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, _, json) = call_full(fake, method, path, token, body).await;
    (status, json)
}

async fn call_full(
    fake: &FakeC1,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", fake.base_url()));
    if let Some(token) = token {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        req = req
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

const OWNER_PATH: &str = "/api/v2/apps/app-1/connectors/conn-1/owners/users/owner/user-1";

fn assert_status_body(body: &Value, code: i64) {
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body["details"], json!([]), "{body}");
}

// ---------------------------------------------------------------- auth

#[tokio::test]
async fn credentials_have_the_c1_shape_and_debug_redacts_the_secret() {
    let fake = FakeC1::start().await;
    let creds = fake.credentials();
    assert!(
        creds.client_id.starts_with("fake-client-"),
        "{}",
        creds.client_id
    );
    assert!(
        creds.client_id.ends_with("@127.0.0.1/pcc"),
        "{}",
        creds.client_id
    );
    assert!(
        creds
            .client_secret
            .starts_with("secret-token:conductorone.com:v1:")
    );
    signing_key(creds);
    let debug = format!("{creds:?} {fake:?}");
    assert!(!debug.contains(&creds.client_secret), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
    assert!(fake.base_url().starts_with("http://127.0.0.1:"));
    let other = FakeC1::start().await;
    assert_ne!(other.credentials(), fake.credentials());
}

#[tokio::test]
async fn token_endpoint_accepts_a_good_assertion() {
    let fake = FakeC1::builder()
        .token_lifetime(Duration::from_secs(900))
        .start()
        .await;
    let creds = fake.credentials().clone();
    let key = signing_key(&creds);
    let (status, body) = token_with(
        &fake,
        &creds.client_id,
        &jws(&key, &good_header(), &good_claims(&creds.client_id)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let token = body["access_token"].as_str().unwrap();
    assert!(!token.is_empty());
    assert_eq!(fake.token_requests(), 1);
    // aud as a plain string and "localhost" are accepted too.
    let mut claims = good_claims(&creds.client_id);
    claims["aud"] = json!("localhost");
    let (status, body) =
        token_with(&fake, &creds.client_id, &jws(&key, &good_header(), &claims)).await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(body["access_token"].as_str().unwrap(), token);
    assert_eq!(fake.token_requests(), 2);
    assert_eq!(fake.secret_leaks(), 0);
}

#[tokio::test]
async fn token_endpoint_rejects_bad_signature() {
    let fake = FakeC1::start().await;
    let creds = fake.credentials().clone();
    let other = SigningKey::from_bytes(&[7u8; 32]);
    let (status, body) = token_with(
        &fake,
        &creds.client_id,
        &jws(&other, &good_header(), &good_claims(&creds.client_id)),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
    // A tampered payload under a valid signature fails too.
    let key = signing_key(&creds);
    let good = jws(&key, &good_header(), &good_claims(&creds.client_id));
    let mut parts: Vec<&str> = good.split('.').collect();
    let mut claims = good_claims(&creds.client_id);
    claims["exp"] = json!(now() + 200);
    let tampered_payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    parts[1] = &tampered_payload;
    let (status, _) = token_with(&fake, &creds.client_id, &parts.join(".")).await;
    assert_eq!(status, 401);
    let (status, _) = token_with(&fake, &creds.client_id, "not-a-jws").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn token_endpoint_rejects_wrong_alg_and_bad_nonce() {
    let fake = FakeC1::start().await;
    let id = fake.credentials().client_id.clone();
    assert_rejected(
        &fake,
        json!({"alg": "HS256", "nonce": nonce()}),
        good_claims(&id),
    )
    .await;
    assert_rejected(
        &fake,
        json!({"alg": "none", "nonce": nonce()}),
        good_claims(&id),
    )
    .await;
    assert_rejected(&fake, json!({"alg": "EdDSA"}), good_claims(&id)).await;
    assert_rejected(
        &fake,
        json!({"alg": "EdDSA", "nonce": "abc"}),
        good_claims(&id),
    )
    .await;
    assert_rejected(
        &fake,
        json!({"alg": "EdDSA", "nonce": "z".repeat(32)}),
        good_claims(&id),
    )
    .await;
}

#[tokio::test]
async fn token_endpoint_rejects_wrong_aud() {
    let fake = FakeC1::start().await;
    let id = fake.credentials().client_id.clone();
    for aud in [
        json!(["acme.conductor.one"]),
        json!([format!("{}", fake.addr())]),
        json!([]),
        json!(null),
    ] {
        let mut claims = good_claims(&id);
        claims["aud"] = aud;
        assert_rejected(&fake, good_header(), claims).await;
    }
}

#[tokio::test]
async fn token_endpoint_rejects_wrong_iss_or_sub_or_client_id() {
    let fake = FakeC1::start().await;
    let id = fake.credentials().client_id.clone();
    for field in ["iss", "sub"] {
        let mut claims = good_claims(&id);
        claims[field] = json!("someone-else@127.0.0.1/pcc");
        assert_rejected(&fake, good_header(), claims).await;
    }
    let key = signing_key(fake.credentials());
    let (status, body) = token_with(
        &fake,
        "unknown@127.0.0.1/pcc",
        &jws(&key, &good_header(), &good_claims("unknown@127.0.0.1/pcc")),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

#[tokio::test]
async fn token_endpoint_rejects_expired_not_yet_valid_and_too_long_assertions() {
    let fake = FakeC1::start().await;
    let id = fake.credentials().client_id.clone();
    let t = now();
    let mut expired = good_claims(&id);
    expired["exp"] = json!(t - 60);
    expired["nbf"] = json!(t - 300);
    assert_rejected(&fake, good_header(), expired).await;
    let mut early = good_claims(&id);
    early["nbf"] = json!(t + 60);
    assert_rejected(&fake, good_header(), early).await;
    let mut far = good_claims(&id);
    far["exp"] = json!(t + 600);
    let body = assert_rejected(&fake, good_header(), far).await;
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("5 minutes"),
        "{body}"
    );
    let mut no_exp = good_claims(&id);
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_rejected(&fake, good_header(), no_exp).await;
}

#[tokio::test]
async fn token_endpoint_rejects_replayed_nonce_and_malformed_requests() {
    let fake = FakeC1::start().await;
    let creds = fake.credentials().clone();
    let key = signing_key(&creds);
    let assertion = jws(&key, &good_header(), &good_claims(&creds.client_id));
    assert_eq!(token_with(&fake, &creds.client_id, &assertion).await.0, 200);
    assert_eq!(token_with(&fake, &creds.client_id, &assertion).await.0, 401);
    let client = reqwest::Client::new();
    let url = format!("{}/auth/v1/token", fake.base_url());
    // JSON instead of a form.
    let resp = client
        .post(&url)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"], "invalid_request");
    // Wrong grant type.
    let bad = form(&[("client_id", &creds.client_id), ("grant_type", "password")]);
    let resp = client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(bad)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
    assert_eq!(fake.token_requests(), 4);
}

#[tokio::test]
async fn api_requires_a_valid_bearer_token() {
    let fake = FakeC1::start().await;
    for token in [None, Some("unknown-token")] {
        let (status, headers, body) = call_full(&fake, "GET", OWNER_PATH, token, None).await;
        assert_eq!(status, 401);
        assert_status_body(&body, 16);
        assert!(headers.get("www-authenticate").is_some());
    }
    fake.add_bearer_token("static-token");
    let (status, body) = call(&fake, "GET", OWNER_PATH, Some("static-token"), None).await;
    assert_ne!(status, 401, "{body}");
    let token = issue_token(&fake).await;
    let (status, body) = call(&fake, "GET", OWNER_PATH, Some(&token), None).await;
    assert_ne!(status, 401, "{body}");
    fake.expire_tokens();
    let (status, body) = call(&fake, "GET", OWNER_PATH, Some(&token), None).await;
    assert_eq!(status, 401);
    assert_status_body(&body, 16);
    assert!(body["message"].as_str().unwrap().contains("expired"));
    // Static tokens survive expire_tokens, and a fresh token works again.
    assert_ne!(
        call(&fake, "GET", OWNER_PATH, Some("static-token"), None)
            .await
            .0,
        401
    );
    let token = issue_token(&fake).await;
    assert_ne!(
        call(&fake, "GET", OWNER_PATH, Some(&token), None).await.0,
        401
    );
}

#[tokio::test(start_paused = true)]
async fn issued_tokens_expire_on_the_tokio_clock() {
    let fake = FakeC1::builder()
        .token_lifetime(Duration::from_secs(60))
        .start()
        .await;
    let token = issue_token(&fake).await;
    assert_ne!(
        call(&fake, "GET", OWNER_PATH, Some(&token), None).await.0,
        401
    );
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_ne!(
        call(&fake, "GET", OWNER_PATH, Some(&token), None).await.0,
        401
    );
    tokio::time::advance(Duration::from_secs(2)).await;
    let (status, body) = call(&fake, "GET", OWNER_PATH, Some(&token), None).await;
    assert_eq!(status, 401, "{body}");
}

// ---------------------------------------------------------------- inspection

#[tokio::test]
async fn requests_are_recorded_in_order_with_secrets_redacted() {
    let fake = FakeC1::start().await;
    let token = issue_token(&fake).await;
    call(
        &fake,
        "GET",
        "/api/v2/apps/a%2Fb/connectors/c%20d/owners/users?page_size=10",
        Some(&token),
        None,
    )
    .await;
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    let tok = &reqs[0];
    assert_eq!(
        (tok.method.as_str(), tok.path.as_str()),
        ("POST", "/auth/v1/token")
    );
    assert_eq!(tok.status, Some(200));
    assert!(
        tok.body.contains("client_assertion=%5Bredacted%5D"),
        "{}",
        tok.body
    );
    assert!(
        tok.body.contains("grant_type=client_credentials"),
        "{}",
        tok.body
    );
    assert!(!tok.body.contains("eyJ"), "{}", tok.body);
    let api = &reqs[1];
    assert_eq!(api.method, "GET");
    assert_eq!(api.path, "/api/v2/apps/a%2Fb/connectors/c%20d/owners/users");
    assert_eq!(api.query.as_deref(), Some("page_size=10"));
    assert_eq!(
        api.query_pairs(),
        vec![("page_size".to_owned(), "10".to_owned())]
    );
    assert_eq!(api.header("authorization"), Some("Bearer [redacted]"));
    let all = format!("{reqs:?}");
    assert!(!all.contains(&token), "{all}");
    assert_eq!(fake.secret_leaks(), 0);
    fake.clear_requests();
    assert!(fake.requests().is_empty());
    assert_eq!(fake.token_requests(), 1);
}

#[tokio::test]
async fn a_leaked_secret_is_counted() {
    let fake = FakeC1::start().await;
    let secret = fake.credentials().client_secret.clone();
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v2/anything", fake.base_url()))
        .header("x-secret", secret)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(fake.secret_leaks(), 1);
}
