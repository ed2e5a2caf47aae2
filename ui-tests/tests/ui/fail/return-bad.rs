// The return type must be `Result<T>` (c1's one-parameter alias).

use c1::{Api, c1_endpoint};

pub struct Widget;

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn missing(&self);

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn plain(&self) -> Widget;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn two_args(&self) -> std::result::Result<Widget, std::io::Error>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn option(&self) -> Option<Widget>;
}

fn main() {}
