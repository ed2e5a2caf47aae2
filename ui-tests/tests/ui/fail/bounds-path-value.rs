// A newtype without `PathValue` filling a path segment: reported on the
// parameter's type.

use c1::{Api, Result, c1_endpoint};

pub struct WidgetId(pub u64);

pub trait Widgets: Api {
    #[c1_endpoint(DELETE "/api/v1/widgets/<id>")]
    async fn delete(&self, id: WidgetId) -> Result<()>;
}

fn main() {}
