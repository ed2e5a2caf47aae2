// A trait with type parameters of its own cannot hold endpoints.

use c1::{Api, Result, c1_endpoint};

pub trait Apps<T>: Api {
    #[c1_endpoint(GET "/api/v1/apps/<id>")]
    async fn app(&self, id: &str) -> Result<()>;
}

fn main() {}
