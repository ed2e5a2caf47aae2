//! Every spelling of c1's result type: the alias, imported or by path, and
//! the `Result<T, c1::Error>` it stands for.

use c1::{Api, Client, Error, c1_endpoint};

pub mod local {
    /// A project's own alias of c1's result.
    pub type Result<T> = c1::Result<T>;
}

pub trait Spellings: Api {
    #[c1_endpoint(GET "/api/v1/a")]
    async fn alias(&self) -> c1::Result<serde_json::Value>;

    #[c1_endpoint(GET "/api/v1/b")]
    async fn absolute(&self) -> ::c1::Result<()>;

    #[c1_endpoint(GET "/api/v1/c")]
    async fn full(&self) -> Result<serde_json::Value, c1::Error>;

    #[c1_endpoint(GET "/api/v1/d")]
    async fn imported_error(&self) -> std::result::Result<(), Error>;

    #[c1_endpoint(GET "/api/v1/e")]
    async fn local_alias(&self) -> self::local::Result<()>;
}

impl Spellings for Client {}

pub fn main() {}
