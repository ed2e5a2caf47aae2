// A trait declaring endpoints without the `c1::Api` supertrait.

use c1::{Result, c1_endpoint};

pub trait Widgets {
    #[c1_endpoint(GET "/api/v1/widgets/<id>")]
    async fn widget(&self, id: &str) -> Result<()>;
}

fn main() {}
