//! Sending a built request: auth, attempts, timeouts, reading the body.

use bytes::Bytes;

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result, TimeoutKind};
use crate::request::{Endpoint, status_error};

/// Sends `body` to `url` and returns the body of a 2xx answer.
pub(crate) async fn execute(
    client: &Client,
    endpoint: &'static Endpoint,
    url: String,
    body: Option<Bytes>,
) -> Result<Bytes> {
    let inner = &client.inner;
    let credential = inner.auth.credential(&inner.http).await?;
    let mut request = inner
        .http
        .request(endpoint.method.to_reqwest(), &url)
        .header(reqwest::header::ACCEPT, "application/json")
        .timeout(inner.timeouts.attempt.min(inner.timeouts.call));
    if let Some(credential) = &credential {
        request = request.header(reqwest::header::AUTHORIZATION, credential.header.clone());
    }
    if let Some(body) = body {
        request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
    }
    let transport = |e: reqwest::Error| {
        let err = if e.is_timeout() {
            Error::new(ErrorKind::Timeout, "the request timed out")
                .with_timeout(TimeoutKind::Attempt)
        } else {
            Error::new(ErrorKind::Transport, "the request could not be completed")
        };
        err.with_request(endpoint.method, endpoint.template)
            .with_attempts(1)
            .with_source(e.without_url())
    };
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(transport)?;
    if status.is_success() {
        Ok(bytes)
    } else {
        Err(status_error(endpoint, status.as_u16(), &bytes).with_attempts(1))
    }
}
