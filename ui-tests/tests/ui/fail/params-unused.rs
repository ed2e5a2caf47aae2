// A parameter the template never uses (and that is not the body).

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets/<id>")]
    async fn get(&self, id: &str, page_size: u32) -> Result<()>;

    #[c1_endpoint(POST "/api/v1/widgets")]
    async fn create(&self, widget: &serde_json::Value) -> Result<()>;
}

fn main() {}
