// Dot segments, plain or percent-encoded: URL parsers resolve `%2e%2e` as
// `..`, so the request would go to another path than the one declared.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets/..")]
    async fn plain(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets/%2e%2e/admin")]
    async fn encoded(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets/.%2E/admin")]
    async fn half_encoded(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/%2E/widgets")]
    async fn single(&self) -> Result<()>;
}

fn main() {}
