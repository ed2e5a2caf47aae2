//! The requests of webhooks (the JWKS `GET`, the callback `POST`, the
//! inbound trigger `POST`) as an [`Operation`] of the client's attempt loop:
//! the client's transport, timeouts and retry policy, and never the
//! client's credential.

use std::future::Future;

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use tokio::time::Instant;

use crate::auth::Auth;
use crate::client::{Client, ClientInner};
use crate::decode::status_failure;
use crate::endpoint::Method;
use crate::error::{Error, Result};
use crate::log::duration_ms;
use crate::retry::{Failure, deadline_from};
use crate::send::{self, Operation};
use crate::sent::Sent;
use crate::transport::{ERROR_BODY_LIMIT, Limits, Reply};

/// What these requests carry instead of the client's credential: nothing.
static NO_CREDENTIAL: Auth = Auth::None;

/// One request of webhooks. `headers` gives each attempt's extra headers
/// (an inbound trigger signs each attempt afresh).
pub(crate) struct Exchange<H> {
    pub(crate) method: Method,
    pub(crate) url: reqwest::Url,
    /// What errors and logs name instead of the URL, which may carry a
    /// token (a callback URL does): `{callback_url}`.
    pub(crate) template: &'static str,
    pub(crate) body: Option<Bytes>,
    /// Whether the server acting twice does no harm.
    pub(crate) idempotent: bool,
    /// The largest 2xx body read.
    pub(crate) max_body: u64,
    pub(crate) headers: H,
    /// The sensitive header values of the last attempt (a signature, a
    /// JWT), kept out of what an error shows of the answer.
    pub(crate) sent_secrets: Vec<Vec<u8>>,
    /// Whether the URL is itself a credential (a callback URL carries its
    /// token), so an answer that quotes it loses it too.
    pub(crate) secret_url: bool,
}

impl<H: FnMut() -> Result<HeaderMap> + Send + 'static> Exchange<H> {
    /// Sends the request through `client`: the 2xx answer and the requests
    /// sent, or the error of the last attempt (naming `method` and
    /// `template`).
    pub(crate) fn send(
        self,
        client: &Client,
    ) -> impl Future<Output = Result<(Reply, u32)>> + Send + '_ {
        let inner: &ClientInner = &client.inner;
        let sent = send::invoke(inner, self);
        async move { sent.await.map(|sent| (sent.output, sent.attempts)) }
    }
}

impl<H: FnMut() -> Result<HeaderMap>> Operation for Exchange<H> {
    type Output = Reply;

    fn auth<'i>(&self, _: &'i ClientInner) -> &'i Auth {
        &NO_CREDENTIAL
    }

    fn idempotent(&self) -> bool {
        self.idempotent
    }

    fn deadline(&self, inner: &ClientInner, started: Instant) -> Instant {
        deadline_from(started, inner.timeouts.call)
    }

    fn request(&mut self, inner: &ClientInner) -> Result<reqwest::RequestBuilder> {
        let extra = (self.headers)()?;
        self.sent_secrets = extra
            .values()
            .filter(|v| v.is_sensitive())
            .map(|v| v.as_bytes().to_vec())
            .collect();
        let mut request = inner
            .http
            .request(self.method.to_reqwest(), self.url.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(body) = &self.body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        Ok(request.headers(extra))
    }

    fn limits(&self, inner: &ClientInner) -> Limits {
        Limits {
            body: self.max_body.min(inner.max_response_bytes),
            error_body: ERROR_BODY_LIMIT.min(inner.max_response_bytes),
            connect_timeout: inner.timeouts.connect,
        }
    }

    fn answered(&mut self, reply: Reply) -> Result<Reply, Failure> {
        Ok(reply)
    }

    fn refused(&self, reply: &Reply, secrets: &[&[u8]]) -> Failure {
        let url_parts = if self.secret_url {
            url_secrets(&self.url)
        } else {
            Vec::new()
        };
        let mut secrets = secrets.to_vec();
        secrets.extend(url_parts.iter().map(|part| part.as_bytes()));
        for value in &self.sent_secrets {
            // `Bearer <token>`: the token alone, as it would be echoed.
            let token = value.rsplit(|b| *b == b' ').next().unwrap_or(value);
            secrets.push(token);
        }
        status_failure(reply, &secrets)
    }

    fn finished(&self, result: Result<Sent<Reply>>, started: Instant) -> Result<Sent<Reply>> {
        let result = result.map_err(|e: Error| e.with_request(self.method, self.template));
        match &result {
            Ok(sent) => tracing::debug!(
                target: "c1",
                method = self.method.as_str(),
                path = self.template,
                status = sent.output.status,
                attempts = sent.attempts,
                elapsed_ms = duration_ms(started.elapsed()),
                "webhook request finished"
            ),
            Err(err) => tracing::debug!(
                target: "c1",
                method = self.method.as_str(),
                path = self.template,
                kind = ?err.kind(),
                status = err.status(),
                attempts = err.attempts(),
                elapsed_ms = duration_ms(started.elapsed()),
                "webhook request failed"
            ),
        }
        result
    }
}

/// A path segment or query component at least this long may be (part of) a
/// URL's token and is redacted on its own, however the rest was echoed.
const MIN_URL_SECRET_LEN: usize = 16;

/// What of a URL that carries its own token an answer must not quote: the
/// URL, its path and query, and each of their parts long enough to be a
/// token, longest first so the whole is redacted before its parts.
fn url_secrets(url: &reqwest::Url) -> Vec<&str> {
    let whole = url.as_str();
    let path_and_query = &url[url::Position::BeforePath..];
    let path = url.path();
    let mut parts: Vec<&str> = path
        .split('/')
        .chain(url.query().into_iter().flat_map(|q| q.split(['&', '='])))
        .filter(|part| part.len() >= MIN_URL_SECRET_LEN)
        .collect();
    parts.extend([whole, path_and_query, path]);
    parts.sort_by_key(|part| std::cmp::Reverse(part.len()));
    parts.dedup();
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_with_its_token_loses_every_long_part() {
        let url = reqwest::Url::parse(
            "https://t.example/api/v1/webhooks/callback/0123456789abcdefXYZ?sig=fedcba9876543210fedc&x=1",
        )
        .unwrap();
        let parts = url_secrets(&url);
        assert_eq!(parts[0], url.as_str());
        for part in [
            "/api/v1/webhooks/callback/0123456789abcdefXYZ?sig=fedcba9876543210fedc&x=1",
            "/api/v1/webhooks/callback/0123456789abcdefXYZ",
            "0123456789abcdefXYZ",
            "fedcba9876543210fedc",
        ] {
            assert!(parts.contains(&part), "{part} in {parts:?}");
        }
        assert!(!parts.contains(&"callback"), "{parts:?}");
    }
}
