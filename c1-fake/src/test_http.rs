//! One API request from the crate's own tests, over real HTTP on loopback:
//! a bearer token, a JSON body when given, and the answer's status and JSON
//! (`Null` when it is not JSON).

use serde_json::Value;

use crate::FakeC1;

pub(crate) async fn send(
    http: &reqwest::Client,
    fake: &FakeC1,
    token: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = http
        .request(method, format!("{}{path}", fake.base_url()))
        .bearer_auth(token);
    if let Some(body) = body {
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
