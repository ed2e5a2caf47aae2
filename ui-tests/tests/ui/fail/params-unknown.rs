// A placeholder that names no parameter, with and without a near name.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets/<widgt_id>/parts/<part_id>")]
    async fn typo(&self, widget_id: &str, part_id: &str) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets/<id>?<page_size>")]
    async fn missing(&self, id: &str) -> Result<()>;
}

fn main() {}
