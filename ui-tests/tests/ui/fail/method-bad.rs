// The HTTP method: unknown, lowercase, missing.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(FETCH "/api/v1/widgets")]
    async fn unknown(&self) -> Result<()>;

    #[c1_endpoint(get "/api/v1/widgets")]
    async fn lowercase(&self) -> Result<()>;

    #[c1_endpoint("/api/v1/widgets")]
    async fn missing(&self) -> Result<()>;

    #[c1_endpoint()]
    async fn nothing(&self) -> Result<()>;
}

fn main() {}
