// The query: placeholders only, each name used once in the whole template.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets/<id>?<id>")]
    async fn path_and_query(&self, id: &str) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets?page_size=10&<page_token>")]
    async fn fixed_value(&self, page_token: Option<&str>) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets?")]
    async fn empty(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets?<a>&&<b")]
    async fn broken(&self, a: u32) -> Result<()>;
}

fn main() {}
