//! The baseline: `get_user_owner` as a user writes it with reqwest and
//! serde_json, with `reqwest::Client::new()` and its default settings:
//! `.get(url).bearer_auth(token).send()`, `.bytes()`, `serde_json::from_slice`.
#![allow(dead_code)]

use c1::models::GetConnectorUserOwnerResponse;

/// A hand-written client for one endpoint.
pub struct Hand {
    /// The reqwest client (one connection pool), as `Client::new()` makes it.
    pub http: reqwest::Client,
    /// The base URL, without a trailing `/`.
    pub base: String,
    /// The access token.
    pub token: String,
}

/// What can go wrong in the hand-written call.
pub type HandError = Box<dyn std::error::Error + Send + Sync>;

impl Hand {
    /// A client of `base` sending `token`.
    pub fn new(base: &str, token: &str) -> Hand {
        Hand {
            http: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
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
        self.http.get(url).bearer_auth(&self.token)
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
        let body = self.request(url).send().await?.bytes().await?;
        Ok(serde_json::from_slice(&body)?)
    }
}
