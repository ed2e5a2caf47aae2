//! Parameters named like the expansion's own locals: the expansion's names
//! are hygienic, so these compile and mean the caller's values.

use c1::{Api, Client, Result, c1_endpoint};

pub trait Odd: Api {
    #[allow(non_snake_case)]
    #[c1_endpoint(POST "/api/v1/things/<__c1_request>?<__C1_ENDPOINT>", body = request)]
    async fn odd(
        &self,
        __c1_request: &str,
        __C1_ENDPOINT: Option<u32>,
        request: &serde_json::Value,
    ) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/things/<client>/<r#type>?<endpoint>")]
    async fn plain(&self, client: &str, r#type: &str, endpoint: bool) -> Result<()>;
}

impl Odd for Client {}

pub fn main() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .bearer_token("t")
        .build()
        .unwrap();
    drop(client.odd("a", Some(1), &serde_json::json!({})));
    drop(client.plain("a", "b", true));
}
