//! `crate = path` for a renamed c1 dependency.

extern crate c1 as my_c1;

use my_c1::{Api, Client, Result, c1_endpoint};

pub trait Things: Api {
    #[c1_endpoint(GET "/api/v1/things/<id>", crate = my_c1)]
    async fn thing(&self, id: &str) -> Result<()>;
}

impl Things for Client {}

pub fn main() {}
