// Attribute arguments after the template.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets", timeout = 5)]
    async fn unknown(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets" crate = c1)]
    async fn no_comma(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets", crate = "c1")]
    async fn crate_string(&self) -> Result<()>;
}

fn main() {}
