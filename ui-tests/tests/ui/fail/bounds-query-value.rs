// A slice as a query value: a query parameter is sent once, repeated keys
// (`?id=a&id=b`) are not supported.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets?<ids>")]
    async fn list(&self, ids: &[String]) -> Result<()>;
}

fn main() {}
