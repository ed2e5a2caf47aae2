//! The baseline: `get_user_owner` written by hand with reqwest and serde_json,
//! with the reqwest settings a `c1::Client` uses (user agent, 10 s connect
//! timeout, 30 s request timeout, redirects off) and the same headers.
#![allow(dead_code)]

use std::time::Duration;

use c1::models::GetConnectorUserOwnerResponse;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};

/// The `User-Agent` both clients send.
pub const USER_AGENT: &str = concat!("c1/", env!("CARGO_PKG_VERSION"));

/// A hand-written client for one endpoint.
pub struct Hand {
    /// The reqwest client (one connection pool).
    pub http: reqwest::Client,
    /// The base URL, without a trailing `/`.
    pub base: String,
    /// `Bearer <token>`.
    pub authorization: HeaderValue,
}

/// What can go wrong in the hand-written call.
pub type HandError = Box<dyn std::error::Error + Send + Sync>;

impl Hand {
    /// A client of `base` sending `token`.
    pub fn new(base: &str, token: &str) -> Hand {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("the reqwest client builds");
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {token}")).expect("a header value");
        authorization.set_sensitive(true);
        Hand {
            http,
            base: base.trim_end_matches('/').to_owned(),
            authorization,
        }
    }

    /// The URL of one user owner (values are ids: no escaping, as most
    /// hand-written clients do).
    pub fn url(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        user_ref_id: &str,
    ) -> String {
        format!(
            "{}/api/v2/apps/{app_id}/connectors/{connector_id}/owners/users/{role_slug}/{user_ref_id}",
            self.base
        )
    }

    /// The request, built but not sent.
    pub fn request(&self, url: String) -> reqwest::RequestBuilder {
        self.http
            .get(url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(AUTHORIZATION, self.authorization.clone())
    }

    /// `GET .../owners/users/<role_slug>/<user_ref_id>`, decoded.
    pub async fn get_user_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        user_ref_id: &str,
    ) -> Result<GetConnectorUserOwnerResponse, HandError> {
        let url = self.url(app_id, connector_id, role_slug, user_ref_id);
        let response = self.request(url).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            return Err(format!("status {status}").into());
        }
        Ok(serde_json::from_slice(&body)?)
    }
}
