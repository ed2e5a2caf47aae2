// The `idempotent` flag: given twice, with a value, or on a method that
// already is idempotent.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(POST "/api/v1/widgets/search", idempotent, idempotent)]
    async fn twice(&self) -> Result<()>;

    #[c1_endpoint(POST "/api/v1/widgets/search", idempotent = true)]
    async fn with_value(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets", idempotent)]
    async fn get(&self) -> Result<()>;

    #[c1_endpoint(PUT "/api/v1/widgets/<id>", body = widget, idempotent)]
    async fn put(&self, id: &str, widget: &serde_json::Value) -> Result<()>;

    #[c1_endpoint(DELETE "/api/v1/widgets/<id>", idempotent)]
    async fn delete(&self, id: &str) -> Result<()>;
}

fn main() {}
