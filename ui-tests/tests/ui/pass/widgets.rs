//! A trait using every shape of declaration, called in ways that need the
//! returned future to be `Send` and to borrow only the client.

use std::borrow::Cow;
use std::future::Future;

use c1::{Api, Client, PathValue, Result, c1_endpoint};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct Part {
    pub id: String,
}

#[derive(Serialize)]
pub struct NewPart<'a> {
    pub name: &'a str,
}

/// A user newtype filling a path segment.
pub struct WidgetId(pub u64);

impl PathValue for WidgetId {
    fn to_path_value(&self) -> Cow<'_, str> {
        Cow::Owned(format!("w-{}", self.0))
    }
}

/// Widgets and their parts.
pub trait Widgets: Api {
    /// Fetch one part.
    #[c1_endpoint(GET "/api/v1/widgets/<widget_id>/parts/<part_id>?<page_size>&<r#type>")]
    async fn get_part(
        &self,
        widget_id: &str,
        part_id: &str,
        page_size: Option<u32>,
        r#type: Option<&str>,
    ) -> Result<Part>;

    #[c1_endpoint(POST "/api/v1/widgets/<id>/parts", body = part)]
    async fn create_part(&self, id: WidgetId, part: &NewPart<'_>) -> Result<Part>;

    /// Generic body, explicit receiver lifetime.
    #[c1_endpoint(PUT "/api/v1/widgets/<id>", body = body)]
    async fn replace<'a, B: Serialize + Sync>(&'a self, id: u64, body: &B) -> Result<Part>;

    #[deprecated(note = "use replace")]
    #[allow(clippy::too_many_arguments)]
    #[c1_endpoint(PATCH "/api/v1/widgets/<id>", body = body)]
    async fn patch(&self, id: String, body: serde_json::Value) -> Result<()>;

    #[c1_endpoint(DELETE "/api/v1/widgets/<id>")]
    async fn delete(&self, id: &String) -> c1::Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn list(&self) -> Result<serde_json::Value>;
}

impl Widgets for Client {}

fn assert_send<T: Send>(t: T) -> T {
    t
}

/// The future outlives every argument: only `client` is borrowed.
fn get_with_temporaries(client: &Client) -> impl Future<Output = Result<Part>> + Send + '_ {
    let make = |n: u32| {
        let widget = format!("w{n}");
        let kind = String::from("bolt");
        client.get_part(widget.as_str(), &kind, Some(n), Some(kind.as_str()))
    };
    assert_send(make(1))
}

#[allow(deprecated)]
pub fn main() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .bearer_token("t")
        .build()
        .unwrap();
    drop(get_with_temporaries(&client));
    drop(assert_send(
        client.create_part(WidgetId(1), &NewPart { name: "n" }),
    ));
    drop(assert_send(client.replace(1, &NewPart { name: "n" })));
    drop(assert_send(
        client.patch("x".to_owned(), serde_json::json!({})),
    ));
    drop(assert_send(client.delete(&"x".to_owned())));
    drop(assert_send(client.list()));
}
