// The method: `async`, `&self`, no body, plain parameter names.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets")]
    fn not_async(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn by_value(self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn mutable(&mut self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn boxed(self: Box<Self>) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn no_receiver() -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn with_body(&self) -> Result<()> {
        Ok(())
    }

    #[c1_endpoint(GET "/api/v1/widgets/<id>")]
    async fn impl_trait(&self, id: impl c1::PathValue) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets/<id>")]
    async fn pattern(&self, (id, _): (u32, u32)) -> Result<()>;
}

fn main() {}
