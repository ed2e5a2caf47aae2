//! Tests of the fake C1 tenant over real HTTP on loopback.

use crate::common;

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
    common::post_token(fake, body).await
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
    assert_eq!(status, 200, "{body}");
    let token = issue_token(&fake).await;
    let (status, body) = call(&fake, "GET", OWNER_PATH, Some(&token), None).await;
    assert_eq!(status, 200, "{body}");
    fake.expire_tokens();
    let (status, body) = call(&fake, "GET", OWNER_PATH, Some(&token), None).await;
    assert_eq!(status, 401);
    assert_status_body(&body, 16);
    assert!(body["message"].as_str().unwrap().contains("expired"));
    // Static tokens survive expire_tokens, and a fresh token works again.
    assert_eq!(
        call(&fake, "GET", OWNER_PATH, Some("static-token"), None)
            .await
            .0,
        200
    );
    let token = issue_token(&fake).await;
    assert_eq!(
        call(&fake, "GET", OWNER_PATH, Some(&token), None).await.0,
        200
    );
}

#[tokio::test(start_paused = true)]
async fn issued_tokens_expire_on_the_tokio_clock() {
    let fake = FakeC1::builder()
        .token_lifetime(Duration::from_secs(60))
        .start()
        .await;
    let token = issue_token(&fake).await;
    assert_eq!(
        call(&fake, "GET", OWNER_PATH, Some(&token), None).await.0,
        200
    );
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(
        call(&fake, "GET", OWNER_PATH, Some(&token), None).await.0,
        200
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

// ---------------------------------------------------------------- ConnectorOwnersV2

const TOKEN: &str = "test-token";
const P1: &str = "/api/v2/apps/app-1/connectors/conn-1/owners";

async fn fake_with_token() -> FakeC1 {
    let fake = FakeC1::start().await;
    fake.add_bearer_token(TOKEN);
    fake
}

async fn api(fake: &FakeC1, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    call(fake, method, path, Some(TOKEN), body).await
}

fn user_json(id: &str) -> Value {
    json!({ "id": id, "displayName": format!("User {id}"), "email": format!("{id}@example.com"), "status": "ENABLED" })
}

/// A seed with `n` users `u000..`, all "owner" owners of app-1/conn-1, and `n` entitlements likewise.
fn big_seed(n: usize) -> Value {
    let users: Vec<Value> = (0..n).map(|i| user_json(&format!("u{i:03}"))).collect();
    let ents: Vec<Value> = (0..n)
        .map(|i| json!({ "appId": "app-1", "id": format!("e{i:03}"), "displayName": "E" }))
        .collect();
    let user_owners: Vec<Value> = (0..n)
        .map(|i| json!({ "appId": "app-1", "connectorId": "conn-1", "roleSlug": "owner", "userId": format!("u{i:03}") }))
        .collect();
    let ent_owners: Vec<Value> = (0..n)
        .map(|i| {
            json!({ "appId": "app-1", "connectorId": "conn-1", "roleSlug": "owner",
                    "appEntitlementAppId": "app-1", "appEntitlementId": format!("e{i:03}") })
        })
        .collect();
    json!({ "users": users, "appEntitlements": ents, "userOwners": user_owners, "entitlementOwners": ent_owners })
}

#[tokio::test]
async fn get_user_owner_returns_the_full_seed_user() {
    let fake = fake_with_token().await;
    let (status, body) = api(&fake, "GET", OWNER_PATH, None).await;
    assert_eq!(status, 200, "{body}");
    let owner = &body["connectorOwnerUser"];
    assert_eq!(owner["appId"], "app-1");
    assert_eq!(owner["connectorId"], "conn-1");
    assert_eq!(owner["roleSlug"], "owner");
    assert_eq!(owner["createdAt"], "2024-05-01T12:00:00Z");
    let user = owner["user"].as_object().unwrap();
    assert_eq!(user["id"], "user-1");
    // Every User field but `deletedAt` is populated: a live user has none.
    assert_eq!(user.len(), 31, "every User field is populated: {user:?}");
    assert!(!user.contains_key("deletedAt"));
    assert!(user.values().all(|v| !v.is_null()));
    assert_eq!(user["emailSources"][0]["priority"], 0);
}

#[tokio::test]
async fn search_user_owners_pages_with_opaque_tokens_and_clamps_page_size() {
    let fake = FakeC1::builder().seed(big_seed(130)).start().await;
    fake.add_bearer_token(TOKEN);
    let users = format!("{P1}/users");
    let len = |b: &Value| b["list"].as_array().unwrap().len();
    for (q, expected) in [
        ("", 25),
        ("?page_size=0", 25),
        ("?page_size=3", 10),
        ("?page_size=1000", 100),
        ("?page_size=42", 42),
    ] {
        let (status, body) = api(&fake, "GET", &format!("{users}{q}"), None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(len(&body), expected, "{q}");
        assert!(!body["nextPageToken"].as_str().unwrap().is_empty());
    }
    // Walk every page of 10.
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let (status, body) = api(
            &fake,
            "GET",
            &format!("{users}?page_size=10&page_token={token}&role_slug=owner"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        pages += 1;
        for o in body["list"].as_array().unwrap() {
            assert_eq!(o["roleSlug"], "owner");
            seen.push(o["user"]["id"].as_str().unwrap().to_owned());
        }
        token = body["nextPageToken"].as_str().unwrap().to_owned();
        assert!(
            token.parse::<u64>().is_err(),
            "page tokens are opaque, not offsets: {token}"
        );
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(pages, 13);
    let expected: Vec<String> = (0..130).map(|i| format!("u{i:03}")).collect();
    assert_eq!(seen, expected);
    // Another role has no owners.
    let (status, body) = api(&fake, "GET", &format!("{users}?role_slug=admin"), None).await;
    assert_eq!((status, len(&body)), (200, 0));
    assert_eq!(body["nextPageToken"], "");
    // A token is bound to its filter, and garbage is rejected.
    let (_, first) = api(&fake, "GET", &format!("{users}?page_size=10"), None).await;
    let t = first["nextPageToken"].as_str().unwrap();
    let (status, body) = api(
        &fake,
        "GET",
        &format!("{users}?page_token={t}&role_slug=owner"),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_status_body(&body, 3);
    let (status, body) = api(&fake, "GET", &format!("{users}?page_token=garbage"), None).await;
    assert_eq!(status, 400);
    assert_status_body(&body, 3);
    for bad in ["abc", "1.5", "-1", "99999999999"] {
        let (status, body) = api(&fake, "GET", &format!("{users}?page_size={bad}"), None).await;
        assert_eq!(status, 400, "{bad}");
        assert_status_body(&body, 3);
    }
}

#[tokio::test]
async fn create_get_delete_user_owner() {
    let fake = fake_with_token().await;
    let path = format!("{P1}/users/owner/user-3");
    let (status, body) = api(&fake, "GET", &path, None).await;
    assert_eq!(status, 404);
    assert_status_body(&body, 5);
    let (status, body) = api(
        &fake,
        "POST",
        &path,
        Some(json!({ "userRef": { "id": "user-3" } })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let owner = &body["connectorOwnerUser"];
    assert_eq!(owner["user"]["displayName"], "Build Bot");
    assert_eq!(owner["roleSlug"], "owner");
    let created = owner["createdAt"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == 20, "{created}");
    assert_eq!(
        fake.user_owner_ids("app-1", "conn-1", Some("owner")),
        ["user-1", "user-3"]
    );
    let (status, body) = api(
        &fake,
        "POST",
        &path,
        Some(json!({ "userRef": { "id": "user-3" } })),
    )
    .await;
    assert_eq!(status, 409);
    assert_status_body(&body, 6);
    let (status, body) = api(&fake, "GET", &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["connectorOwnerUser"]["createdAt"], created);
    let (status, body) = api(
        &fake,
        "DELETE",
        &path,
        Some(json!({ "userRef": { "id": "user-3" } })),
    )
    .await;
    assert_eq!((status, body), (200, json!({})));
    let (status, body) = api(&fake, "DELETE", &path, None).await;
    assert_eq!(status, 404);
    assert_status_body(&body, 5);
    assert_eq!(
        fake.user_owner_ids("app-1", "conn-1", Some("owner")),
        ["user-1"]
    );
    // Body is optional on create and delete.
    assert_eq!(api(&fake, "POST", &path, None).await.0, 200);
    assert_eq!(api(&fake, "DELETE", &path, None).await.0, 200);
    // Unknown user, mismatched or malformed body, unknown connector.
    let (status, body) = api(&fake, "POST", &format!("{P1}/users/owner/nobody"), None).await;
    assert_eq!(status, 404);
    assert_status_body(&body, 5);
    let (status, body) = api(
        &fake,
        "POST",
        &path,
        Some(json!({ "userRef": { "id": "user-2" } })),
    )
    .await;
    assert_eq!(status, 400);
    assert_status_body(&body, 3);
    let (status, body) = api(&fake, "POST", &path, Some(json!({ "userRef": "user-3" }))).await;
    assert_eq!(status, 400);
    assert_status_body(&body, 3);
    let raw = reqwest::Client::new()
        .post(format!("{}{path}", fake.base_url()))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let (status, body) = api(
        &fake,
        "GET",
        "/api/v2/apps/app-1/connectors/nope/owners/users/owner/user-1",
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_status_body(&body, 5);
}

#[tokio::test]
async fn set_replaces_the_owners_of_one_role() {
    let fake = fake_with_token().await;
    let body = json!({
        "roleSlug": "owner",
        "userRefs": [{ "id": "user-2" }, { "id": "user-3" }, { "id": "user-2" }],
        "appEntitlementRefs": [{ "appId": "app-1", "id": "ent-2" }],
    });
    let (status, resp) = api(&fake, "PUT", P1, Some(body)).await;
    assert_eq!((status, resp), (200, json!({})));
    assert_eq!(
        fake.user_owner_ids("app-1", "conn-1", Some("owner")),
        ["user-2", "user-3"]
    );
    assert_eq!(
        fake.user_owner_ids("app-1", "conn-1", Some("admin")),
        ["user-2"],
        "other roles untouched"
    );
    assert_eq!(
        fake.entitlement_owner_ids("app-1", "conn-1", Some("owner")),
        [("app-1".to_owned(), "ent-2".to_owned())]
    );
    // null lists clear the role.
    let (status, _) = api(
        &fake,
        "PUT",
        P1,
        Some(json!({ "roleSlug": "owner", "userRefs": null })),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        fake.user_owner_ids("app-1", "conn-1", Some("owner"))
            .is_empty()
    );
    assert!(
        fake.entitlement_owner_ids("app-1", "conn-1", Some("owner"))
            .is_empty()
    );
    // Invalid input changes nothing.
    for bad in [
        json!({ "userRefs": [{ "id": "user-1" }] }),
        json!({ "roleSlug": "" }),
        json!({ "roleSlug": 5 }),
        json!([1]),
    ] {
        let (status, body) = api(&fake, "PUT", P1, Some(bad)).await;
        assert_eq!(status, 400);
        assert_status_body(&body, 3);
    }
    let (status, body) = api(
        &fake,
        "PUT",
        P1,
        Some(json!({ "roleSlug": "admin", "userRefs": [{ "id": "ghost" }] })),
    )
    .await;
    assert_eq!(status, 404);
    assert_status_body(&body, 5);
    assert_eq!(
        fake.user_owner_ids("app-1", "conn-1", Some("admin")),
        ["user-2"]
    );
}

#[tokio::test]
async fn entitlement_owners_search_get_create_delete() {
    let fake = fake_with_token().await;
    let (status, body) = api(&fake, "GET", &format!("{P1}/entitlements"), None).await;
    assert_eq!(status, 200, "{body}");
    let list = body["list"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["appEntitlement"]["id"], "ent-1");
    assert_eq!(list[0]["appEntitlement"]["grantCount"], "42");
    assert_eq!(body["nextPageToken"], "");
    let path = format!("{P1}/entitlements/owner/app-1/ent-2");
    assert_eq!(api(&fake, "GET", &path, None).await.0, 404);
    let (status, body) = api(
        &fake,
        "POST",
        &path,
        Some(json!({ "appEntitlementRef": { "appId": "app-1", "id": "ent-2" } })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let owner = &body["connectorOwnerEntitlement"];
    assert_eq!(
        (
            owner["appId"].as_str(),
            owner["connectorId"].as_str(),
            owner["roleSlug"].as_str()
        ),
        (Some("app-1"), Some("conn-1"), Some("owner"))
    );
    assert_eq!(owner["appEntitlement"]["displayName"], "Readers");
    let (status, body) = api(&fake, "POST", &path, None).await;
    assert_eq!(status, 409);
    assert_status_body(&body, 6);
    let (status, body) = api(&fake, "GET", &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["connectorOwnerEntitlement"]["appEntitlement"]["id"],
        "ent-2"
    );
    let (status, body) = api(
        &fake,
        "POST",
        &format!("{P1}/entitlements/owner/app-1/ent-1"),
        Some(json!({ "appEntitlementRef": { "appId": "app-2", "id": "ent-1" } })),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = api(
        &fake,
        "POST",
        &format!("{P1}/entitlements/owner/app-1/ghost"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_status_body(&body, 5);
    assert_eq!(
        api(
            &fake,
            "DELETE",
            &path,
            Some(json!({ "appEntitlementRef": { "appId": "app-1", "id": "ent-2" } }))
        )
        .await,
        (200, json!({}))
    );
    let (status, body) = api(&fake, "DELETE", &path, None).await;
    assert_eq!(status, 404);
    assert_status_body(&body, 5);
}

#[tokio::test]
async fn search_entitlement_owners_pages() {
    let fake = FakeC1::builder().seed(big_seed(30)).start().await;
    fake.add_bearer_token(TOKEN);
    let (status, body) = api(
        &fake,
        "GET",
        &format!("{P1}/entitlements?page_size=1"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["list"].as_array().unwrap().len(), 10);
    let mut ids = Vec::new();
    let mut token = String::new();
    loop {
        let (status, body) = api(
            &fake,
            "GET",
            &format!("{P1}/entitlements?page_size=12&page_token={token}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        ids.extend(
            body["list"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["appEntitlement"]["id"].as_str().unwrap().to_owned()),
        );
        token = body["nextPageToken"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(ids, (0..30).map(|i| format!("e{i:03}")).collect::<Vec<_>>());
    let (status, body) = api(
        &fake,
        "GET",
        &format!("{P1}/entitlements?page_size=x"),
        None,
    )
    .await;
    assert_eq!(status, 400);
    assert_status_body(&body, 3);
    // A users token is not an entitlements token.
    let (_, users) = api(&fake, "GET", &format!("{P1}/users?page_size=10"), None).await;
    let t = users["nextPageToken"].as_str().unwrap();
    assert_eq!(
        api(
            &fake,
            "GET",
            &format!("{P1}/entitlements?page_token={t}"),
            None
        )
        .await
        .0,
        400
    );
}

#[tokio::test]
async fn percent_encoded_segments_are_decoded() {
    let fake = fake_with_token().await;
    let base = "/api/v2/apps/app%203%2Fx/connectors/conn%2F3%20y/owners";
    let user = format!("{base}/users/role%2Fa%20b/user%204%2F%C3%BC");
    let (status, body) = api(
        &fake,
        "POST",
        &user,
        Some(json!({ "userRef": { "id": "user 4/ü" } })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let owner = &body["connectorOwnerUser"];
    assert_eq!(owner["appId"], "app 3/x");
    assert_eq!(owner["connectorId"], "conn/3 y");
    assert_eq!(owner["roleSlug"], "role/a b");
    assert_eq!(owner["user"]["displayName"], "Zoë Ñoño");
    assert_eq!(
        fake.user_owner_ids("app 3/x", "conn/3 y", Some("role/a b")),
        ["user 4/ü"]
    );
    let (status, body) = api(
        &fake,
        "GET",
        &format!("{base}/users?role_slug=role%2Fa%20b"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["list"][0]["user"]["id"], "user 4/ü");
    let ent = format!("{base}/entitlements/owner/app%203%2Fx/ent%2F3%20y");
    let (status, body) = api(&fake, "POST", &ent, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["connectorOwnerEntitlement"]["appEntitlement"]["id"],
        "ent/3 y"
    );
    assert_eq!(api(&fake, "DELETE", &ent, None).await.0, 200);
    assert_eq!(api(&fake, "DELETE", &user, None).await.0, 200);
    // `+` in a path is not a space.
    assert_eq!(
        api(
            &fake,
            "GET",
            "/api/v2/apps/app+3%2Fx/connectors/conn%2F3+y/owners/users",
            None
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_status_json() {
    let fake = fake_with_token().await;
    let (status, body) = api(&fake, "GET", "/api/v2/nothing/here", None).await;
    assert_eq!(status, 404);
    assert_status_body(&body, 5);
    let (status, body) = api(&fake, "PATCH", P1, None).await;
    assert_eq!(status, 405);
    assert_status_body(&body, 12);
    let (status, body) = api(
        &fake,
        "GET",
        "/api/v2/apps/app-1/connectors/conn-9/owners/users",
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_status_body(&body, 5);
}

#[tokio::test]
async fn seeds_can_be_replaced_and_extended() {
    let fake = FakeC1::builder()
        .seed(json!({ "users": [user_json("solo")], "connectors": [{ "appId": "a", "connectorId": "c" }] }))
        .start()
        .await;
    fake.add_bearer_token(TOKEN);
    assert_eq!(
        api(&fake, "GET", OWNER_PATH, None).await.0,
        404,
        "default seed replaced"
    );
    assert_eq!(
        api(
            &fake,
            "POST",
            "/api/v2/apps/a/connectors/c/owners/users/owner/solo",
            None
        )
        .await
        .0,
        200
    );
    fake.add_connector("x", "y");
    fake.add_user(user_json("late"));
    fake.add_app_entitlement(json!({ "appId": "x", "id": "ent" }));
    assert_eq!(
        api(
            &fake,
            "POST",
            "/api/v2/apps/x/connectors/y/owners/users/r/late",
            None
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api(
            &fake,
            "POST",
            "/api/v2/apps/x/connectors/y/owners/entitlements/r/x/ent",
            None
        )
        .await
        .0,
        200
    );

    let dir = std::env::temp_dir().join(format!("c1-fake-seed-{}.json", std::process::id()));
    std::fs::write(&dir, json!({ "users": [user_json("from-file")], "userOwners": [{ "appId": "f", "connectorId": "g", "roleSlug": "owner", "userId": "from-file" }] }).to_string()).unwrap();
    let from_file = FakeC1::builder().seed_file(&dir).start().await;
    std::fs::remove_file(&dir).unwrap();
    assert_eq!(from_file.user_owner_ids("f", "g", None), ["from-file"]);

    let err = FakeC1::builder().seed(json!({ "userOwners": [{ "appId": "a", "connectorId": "c", "roleSlug": "o", "userId": "ghost" }] })).try_start().await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        FakeC1::builder()
            .seed(json!({ "usres": [] }))
            .try_start()
            .await
            .is_err()
    );
    assert!(
        FakeC1::builder()
            .seed_file("/nonexistent/seed.json")
            .try_start()
            .await
            .is_err()
    );
}

// ---------------------------------------------------------------- faults

#[tokio::test]
async fn fail_next_scripts_statuses_then_recovers() {
    let fake = fake_with_token().await;
    fake.fail_next(&[503, 500]);
    assert_eq!(fake.faults().pending(), 2);
    // Faults come before authentication, like a gateway in front of the API.
    let (status, body) = call(&fake, "GET", OWNER_PATH, None, None).await;
    assert_eq!(status, 503);
    assert_status_body(&body, 14);
    let (status, body) = api(&fake, "GET", OWNER_PATH, None).await;
    assert_eq!(status, 500);
    assert_status_body(&body, 13);
    assert_eq!(api(&fake, "GET", OWNER_PATH, None).await.0, 200);
    assert_eq!(fake.faults().pending(), 0);
    // API faults leave the token endpoint alone.
    fake.fail_next(&[502]);
    issue_token(&fake).await;
    assert_eq!(api(&fake, "GET", OWNER_PATH, None).await.0, 502);
    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [Some(503), Some(500), Some(200), Some(200), Some(502)]
    );
}

#[tokio::test]
async fn rate_limit_next_answers_429_with_retry_after() {
    let fake = fake_with_token().await;
    fake.rate_limit_next(2, 7);
    for _ in 0..2 {
        let (status, headers, body) = call_full(&fake, "GET", OWNER_PATH, Some(TOKEN), None).await;
        assert_eq!(status, 429);
        assert_eq!(headers.get("retry-after").unwrap(), "7");
        assert_status_body(&body, 8);
    }
    assert_eq!(api(&fake, "GET", OWNER_PATH, None).await.0, 200);
    fake.faults().push(c1_fake::Fault::RateLimit {
        retry_after: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
    });
    let (status, headers, _) = call_full(&fake, "GET", OWNER_PATH, Some(TOKEN), None).await;
    assert_eq!(status, 429);
    assert_eq!(
        headers.get("retry-after").unwrap(),
        "Wed, 21 Oct 2015 07:28:00 GMT"
    );
}

#[tokio::test]
async fn raw_faults_answer_non_json_bodies() {
    let fake = fake_with_token().await;
    fake.faults().push(c1_fake::Fault::Raw {
        status: 502,
        content_type: "text/html".into(),
        body: "<html>Bad Gateway</html>".into(),
    });
    let resp = reqwest::Client::new()
        .get(format!("{}{OWNER_PATH}", fake.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 502);
    assert_eq!(resp.headers()["content-type"], "text/html");
    assert_eq!(resp.text().await.unwrap(), "<html>Bad Gateway</html>");
}

#[tokio::test]
async fn drop_next_connections_closes_without_answering() {
    let fake = fake_with_token().await;
    fake.drop_next_connections(2);
    let client = reqwest::Client::new();
    for _ in 0..2 {
        let err = client
            .get(format!("{}{OWNER_PATH}", fake.base_url()))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap_err();
        assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
        assert!(err.is_request() || err.is_connect(), "{err:?}");
    }
    // The same client recovers on a fresh connection.
    let resp = client
        .get(format!("{}{OWNER_PATH}", fake.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [None, None, Some(200)]);

    // At the TCP level: the server closes the socket with no bytes written.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    fake.drop_next_connections(1);
    let mut sock = tokio::net::TcpStream::connect(fake.addr()).await.unwrap();
    let req =
        format!("GET {OWNER_PATH} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {TOKEN}\r\n\r\n");
    sock.write_all(req.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), sock.read_to_end(&mut buf))
        .await
        .unwrap();
    assert!(
        read.is_err() || buf.is_empty(),
        "got {:?}",
        String::from_utf8_lossy(&buf)
    );
}

#[tokio::test(start_paused = true)]
async fn latency_delays_api_answers_on_the_tokio_clock() {
    let fake = fake_with_token().await;
    fake.latency(Duration::from_secs(30));
    let start = tokio::time::Instant::now();
    assert_eq!(api(&fake, "GET", OWNER_PATH, None).await.0, 200);
    assert!(
        start.elapsed() >= Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    // The token endpoint has its own (empty) fault set.
    let start = tokio::time::Instant::now();
    issue_token(&fake).await;
    assert!(start.elapsed() < Duration::from_secs(30));
    fake.faults().clear();
    let start = tokio::time::Instant::now();
    assert_eq!(api(&fake, "GET", OWNER_PATH, None).await.0, 200);
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn token_faults_apply_to_the_token_endpoint_only() {
    let fake = fake_with_token().await;
    fake.token_faults().fail_next(&[503]).rate_limit_next(1, 1);
    let creds = fake.credentials().clone();
    let key = signing_key(&creds);
    let (status, _) = token_with(
        &fake,
        &creds.client_id,
        &jws(&key, &good_header(), &good_claims(&creds.client_id)),
    )
    .await;
    assert_eq!(status, 503);
    assert_eq!(api(&fake, "GET", OWNER_PATH, None).await.0, 200);
    let (status, _) = token_with(
        &fake,
        &creds.client_id,
        &jws(&key, &good_header(), &good_claims(&creds.client_id)),
    )
    .await;
    assert_eq!(status, 429);
    issue_token(&fake).await;
    assert_eq!(fake.token_requests(), 3);
    fake.token_faults().drop_next_connections(1);
    let err = reqwest::Client::new()
        .post(format!("{}/auth/v1/token", fake.base_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_request() || err.is_connect(), "{err:?}");
}

#[tokio::test]
async fn dropping_the_fake_stops_the_server() {
    let fake = fake_with_token().await;
    let url = format!("{}{OWNER_PATH}", fake.base_url());
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(&url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    fake.shutdown().await;
    let err = client
        .get(&url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect() || err.is_request(), "{err:?}");

    let fake = fake_with_token().await;
    let url = format!("{}{OWNER_PATH}", fake.base_url());
    drop(fake);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(reqwest::Client::new().get(&url).send().await.is_err());
}

// ---------------------------------------------------------------- long-running bounds

#[tokio::test]
async fn a_validly_signed_assertion_with_a_huge_exp_is_refused_not_a_panic() {
    let fake = FakeC1::start().await;
    let id = fake.credentials().client_id.clone();
    for exp in [json!(i64::MAX), json!(1e300), json!(i64::MIN)] {
        let mut claims = good_claims(&id);
        claims["exp"] = exp;
        assert_rejected(&fake, good_header(), claims).await;
    }
    for field in ["nbf", "iat"] {
        let mut claims = good_claims(&id);
        claims[field] = json!(i64::MAX);
        assert_rejected(&fake, good_header(), claims).await;
    }
    // The server is still up.
    issue_token(&fake).await;
}

#[tokio::test]
async fn the_request_log_is_a_ring_buffer() {
    let fake = FakeC1::builder().request_log_capacity(3).start().await;
    for i in 0..5 {
        call(&fake, "GET", &format!("/api/v1/n{i}"), None, None).await;
    }
    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/v1/n2", "/api/v1/n3", "/api/v1/n4"]);
    assert!(fake.requests().iter().all(|r| r.status == Some(401)));

    let fake = FakeC1::start().await;
    let client = reqwest::Client::new();
    for i in 0..c1_fake::DEFAULT_REQUEST_LOG_CAPACITY + 10 {
        let url = format!("{}/api/v1/n{i}", fake.base_url());
        client.get(url).send().await.unwrap();
    }
    let requests = fake.requests();
    assert_eq!(requests.len(), c1_fake::DEFAULT_REQUEST_LOG_CAPACITY);
    assert_eq!(requests[0].path, "/api/v1/n10");
}

#[tokio::test]
async fn recorded_bodies_are_cut_and_oversized_bodies_refused() {
    let fake = fake_with_token().await;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/anything", fake.base_url());
    let big = "x".repeat(200 * 1024);
    let resp = client.post(&url).body(big.clone()).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let rec = fake.requests().pop().unwrap();
    assert_eq!(rec.body_len, 200 * 1024);
    assert_eq!(rec.body.len(), c1_fake::MAX_RECORDED_BODY);

    let too_big = "x".repeat(c1_fake::MAX_BODY + 1);
    let resp = client
        .post(&url)
        .bearer_auth(TOKEN)
        .body(too_big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_status_body(&body, 8);
}

#[tokio::test]
async fn oversized_headers_are_refused() {
    let fake = fake_with_token().await;
    let resp = reqwest::Client::new()
        .get(format!("{}{OWNER_PATH}", fake.base_url()))
        .bearer_auth(TOKEN)
        .header("x-filler", "y".repeat(100 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 431);
    // A normal request still works.
    assert_eq!(api(&fake, "GET", OWNER_PATH, None).await.0, 200);
}

// ---------------------------------------------------------------- every official SDK's assertion

/// 16 random bytes as 22 base64url characters, the nonce the Python SDK puts in the claims.
fn python_nonce() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

/// An assertion shaped like the Python SDK's token source signs it: `typ` in the header, the
/// nonce as a claim, `aud` a string.
fn python_assertion(key: &SigningKey, client_id: &str, nonce: &str) -> String {
    let t = now();
    let header = json!({ "alg": "EdDSA", "typ": "JWT" });
    let claims = json!({
        "iss": client_id, "sub": client_id, "aud": "127.0.0.1",
        "iat": t, "nbf": t - 120, "exp": t + 120, "nonce": nonce,
    });
    jws(key, &header, &claims)
}

#[tokio::test]
async fn the_python_sdks_assertion_is_accepted_and_its_nonce_is_single_use() {
    let fake = FakeC1::start().await;
    let creds = fake.credentials().clone();
    let key = signing_key(&creds);
    let claim_nonce = python_nonce();
    assert_eq!(claim_nonce.len(), 22);
    let assertion = python_assertion(&key, &creds.client_id, &claim_nonce);
    let (status, body) = token_with(&fake, &creds.client_id, &assertion).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        call(&fake, "GET", OWNER_PATH, Some(&token), None).await.0,
        200
    );
    // The same claim nonce again, even in a freshly signed assertion: refused.
    let again = python_assertion(&key, &creds.client_id, &claim_nonce);
    let (status, body) = token_with(&fake, &creds.client_id, &again).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("already used")
    );
    // A nonce used in the header cannot be replayed as a claim either.
    let hex = nonce();
    let mut header = good_header();
    header["nonce"] = json!(hex);
    let go = jws(&key, &header, &good_claims(&creds.client_id));
    assert_eq!(token_with(&fake, &creds.client_id, &go).await.0, 200);
    let (status, _) = token_with(
        &fake,
        &creds.client_id,
        &python_assertion(&key, &creds.client_id, &hex),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn assertion_shapes_each_sdk_may_send() {
    let fake = FakeC1::start().await;
    let id = fake.credentials().client_id.clone();
    let key = signing_key(fake.credentials());
    let accepted = |header: Value, claims: Value| {
        let assertion = jws(&key, &header, &claims);
        let fake = &fake;
        let id = id.clone();
        async move { token_with(fake, &id, &assertion).await }
    };
    // Go's shape with typ, or with aud a string; the same nonce in both places.
    let mut h = good_header();
    h["typ"] = json!("JWT");
    assert_eq!(accepted(h, good_claims(&id)).await.0, 200);
    let mut c = good_claims(&id);
    c["aud"] = json!("127.0.0.1");
    assert_eq!(accepted(good_header(), c).await.0, 200);
    let n = nonce();
    let mut c = good_claims(&id);
    c["nonce"] = json!(n);
    assert_eq!(
        accepted(json!({"alg": "EdDSA", "nonce": n}), c).await.0,
        200
    );

    // Refused: nonces that differ, a malformed claim nonce, no nonce, a wrong typ.
    let mut c = good_claims(&id);
    c["nonce"] = json!(python_nonce());
    assert_rejected(&fake, good_header(), c).await;
    for bad in [
        json!("short"),
        json!("!".repeat(22)),
        json!(12345),
        json!(nonce() + "a"),
    ] {
        let mut c = good_claims(&id);
        c["nonce"] = bad;
        assert_rejected(&fake, json!({"alg": "EdDSA"}), c).await;
    }
    assert_rejected(
        &fake,
        json!({"alg": "EdDSA", "typ": "JWT"}),
        good_claims(&id),
    )
    .await;
    let mut h = good_header();
    h["typ"] = json!("JWE");
    assert_rejected(&fake, h, good_claims(&id)).await;
}

// ---------------------------------------------------------------- nulls mode

#[tokio::test]
async fn nulls_mode_answers_null_for_every_unset_field() {
    let fake = FakeC1::builder().nulls(true).start().await;
    fake.add_bearer_token(TOKEN);
    fake.add_user(json!({"id": "sparse", "email": "s@example.com"}));
    let path = format!("{P1}/users/owner/sparse");
    assert_eq!(api(&fake, "POST", &path, None).await.0, 200);
    let (status, body) = api(&fake, "GET", &path, None).await;
    assert_eq!(status, 200, "{body}");
    let user = body["connectorOwnerUser"]["user"].as_object().unwrap();
    assert_eq!(user.len(), 32, "{body}");
    assert_eq!(user["email"], "s@example.com");
    assert!(user.contains_key("displayName") && user["displayName"].is_null());
    let (_, page) = api(&fake, "GET", &format!("{P1}/users"), None).await;
    assert!(page.as_object().unwrap().contains_key("nextPageToken"));
    assert!(page["nextPageToken"].is_null(), "{page}");
    let (_, ent) = api(
        &fake,
        "GET",
        &format!("{P1}/entitlements/owner/app-1/ent-1"),
        None,
    )
    .await;
    let ent = ent["connectorOwnerEntitlement"]["appEntitlement"]
        .as_object()
        .unwrap();
    assert_eq!(ent.len(), 35);

    // Off by default: the same user has only the fields it was given.
    let fake = fake_with_token().await;
    fake.add_user(json!({"id": "sparse", "email": "s@example.com"}));
    assert_eq!(api(&fake, "POST", &path, None).await.0, 200);
    let (_, body) = api(&fake, "GET", &path, None).await;
    assert_eq!(
        body["connectorOwnerUser"]["user"]
            .as_object()
            .unwrap()
            .len(),
        2
    );
    let (_, page) = api(&fake, "GET", &format!("{P1}/users"), None).await;
    assert_eq!(page["nextPageToken"], "");
    // A seed can turn it on too.
    let seed = json!({"users": [{"id": "u"}], "connectors": [{"appId": "a", "connectorId": "c"}],
        "userOwners": [{"appId": "a", "connectorId": "c", "roleSlug": "r", "userId": "u"}], "nulls": true});
    let fake = FakeC1::builder().seed(seed).start().await;
    fake.add_bearer_token(TOKEN);
    let (_, body) = api(
        &fake,
        "GET",
        "/api/v2/apps/a/connectors/c/owners/users/r/u",
        None,
    )
    .await;
    assert!(body["connectorOwnerUser"]["user"]["deletedAt"].is_null());
    assert_eq!(
        body["connectorOwnerUser"]["user"]
            .as_object()
            .unwrap()
            .len(),
        32
    );
}

/// The message of the panic `f` raises.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_err();
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast_ref::<&str>().unwrap().to_string(),
    }
}

/// Scripting an operation the fake does not have panics with the ids the
/// test may have meant: a typo, another case, the id's tail or c1's name.
#[tokio::test]
async fn an_unknown_operation_id_panics_with_the_closest_ids() {
    let fake = FakeC1::start().await;
    let said =
        panic_message(|| fake.operation_reply("c1.api.app.v1.Apps.Gett", c1_fake::Reply::new(404)));
    assert!(
        said.starts_with(
            "c1-fake: no operation \"c1.api.app.v1.Apps.Gett\"; did you mean \"c1.api.app.v1.Apps.Get\"?"
        ),
        "{said}"
    );
    assert!(
        said.contains("`FakeC1::operation_ids()` lists all"),
        "{said}"
    );
    for wanted in ["Apps.Get", "apps().get", "c1.API.app.v1.apps.get"] {
        let said = panic_message(|| fake.operation_json(wanted, json!({})));
        assert!(
            said.contains("did you mean \"c1.api.app.v1.Apps.Get\"?"),
            "{wanted}: {said}"
        );
    }
    let said = panic_message(|| fake.operation_json("get", json!({})));
    assert!(said.contains("did you mean one of "), "{said}");
    let said = panic_message(|| fake.operation_json("nothing.like.it", json!({})));
    assert!(!said.contains("did you mean"), "{said}");

    // The id suggested is the one that scripts the answer.
    fake.add_bearer_token("tok");
    fake.operation_reply("c1.api.app.v1.Apps.Get", c1_fake::Reply::new(418));
    let (status, _) = call(&fake, "GET", "/api/v1/apps/app-1", Some("tok"), None).await;
    assert_eq!(status, 418);
}
