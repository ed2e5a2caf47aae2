// Placeholders written as the API reference (`{app_id}`) or Express routes
// (`:app_id`) write them: the error names the `<app_id>` form.

use c1::{Api, Result, c1_endpoint};

pub trait Apps: Api {
    #[c1_endpoint(GET "/api/v1/apps/{app_id}")]
    async fn braces(&self, app_id: &str) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/apps/:app_id/users")]
    async fn colon(&self, app_id: &str) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/apps?{page_size}")]
    async fn query(&self, page_size: Option<u32>) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/apps/app-{app_id}")]
    async fn inside(&self, app_id: &str) -> Result<()>;
}

fn main() {}
