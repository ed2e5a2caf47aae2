// A response type that does not implement `Deserialize`.

use c1::{Api, Result, c1_endpoint};

pub struct Widget {
    pub id: String,
}

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets/<id>")]
    async fn widget(&self, id: &str) -> Result<Widget>;
}

fn main() {}
