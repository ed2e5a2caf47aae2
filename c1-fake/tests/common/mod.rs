//! What the fake's test files share (each file uses some of it).
#![allow(dead_code)]

use c1_fake::FakeC1;
use serde_json::Value;

/// POSTs a form `body` to the token endpoint; returns the status and the
/// JSON body (`Null` when it is not JSON).
pub async fn post_token(fake: &FakeC1, body: String) -> (u16, Value) {
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

/// Sends an API request with a bearer token and, unless `body` is `Null`, a
/// JSON body; returns the status and the JSON answer (`Null` when not JSON).
pub async fn api(
    fake: &FakeC1,
    token: &str,
    method: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = reqwest::Client::new()
        .request(method, format!("{}{path}", fake.base_url()))
        .bearer_auth(token);
    if !body.is_null() {
        req = req
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}
