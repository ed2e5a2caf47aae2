//! `idempotent` on the methods that are not idempotent by themselves, in any
//! position among the other arguments.

use c1::{Api, Client, Result, c1_endpoint};

pub trait Search: Api {
    /// A read-only search sent as POST.
    #[c1_endpoint(POST "/api/v1/widgets/search", body = query, idempotent)]
    async fn search(&self, query: &serde_json::Value) -> Result<serde_json::Value>;

    #[c1_endpoint(POST "/api/v1/widgets/<id>/check", idempotent, body = query, crate = ::c1)]
    async fn check(&self, id: &str, query: &serde_json::Value) -> Result<()>;

    #[c1_endpoint(PATCH "/api/v1/widgets/<id>", body = patch, idempotent,)]
    async fn set_name(&self, id: &str, patch: serde_json::Value) -> Result<()>;
}

impl Search for Client {}

pub fn main() {}
