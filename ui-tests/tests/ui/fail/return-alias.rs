// Names that look like c1's but are other types: checked by type, reported
// on the return type with the fix.

use c1::{Api, c1_endpoint};
use std::io::{Error, Result};

#[derive(serde::Deserialize)]
pub struct Widget;

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn io_alias(&self) -> Result<Widget>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn io_error(&self) -> std::result::Result<Widget, Error>;
}

fn main() {}
