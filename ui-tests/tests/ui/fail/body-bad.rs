// `body =`: a missing parameter, two bodies, GET, a placeholder as body.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(POST "/api/v1/widgets", body = reqest)]
    async fn missing(&self, request: &serde_json::Value) -> Result<()>;

    #[c1_endpoint(POST "/api/v1/widgets", body = a, body = b)]
    async fn two(&self, a: &serde_json::Value, b: &serde_json::Value) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets", body = filter)]
    async fn on_get(&self, filter: &serde_json::Value) -> Result<()>;

    #[c1_endpoint(PUT "/api/v1/widgets/<id>", body = id)]
    async fn placeholder(&self, id: &str) -> Result<()>;

    #[c1_endpoint(POST "/api/v1/widgets", body = )]
    async fn no_name(&self) -> Result<()>;
}

fn main() {}
