// The template: missing, or not a string literal.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(GET)]
    async fn missing(&self) -> Result<()>;

    #[c1_endpoint(POST, body = x)]
    async fn missing_before_args(&self, x: u32) -> Result<()>;

    #[c1_endpoint(GET 42)]
    async fn number(&self) -> Result<()>;

    #[c1_endpoint(GET api)]
    async fn unquoted(&self) -> Result<()>;
}

fn main() {}
