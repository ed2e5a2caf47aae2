//! What the fake's test files share.

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
