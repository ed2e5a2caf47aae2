// Template syntax: leading `/`, empty segments, brackets, names, duplicates.

use c1::{Api, Result, c1_endpoint};

pub trait Widgets: Api {
    #[c1_endpoint(GET "api/v1/widgets")]
    async fn no_leading_slash(&self) -> Result<()>;

    #[c1_endpoint(GET "/api//widgets")]
    async fn empty_segment(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets/")]
    async fn trailing_slash(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets/<id")]
    async fn unclosed(&self, id: &str) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets/w-<id>")]
    async fn mixed(&self, id: &str) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets/<1d>")]
    async fn not_an_identifier(&self) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/widgets/<id>/parts/<id>")]
    async fn duplicate(&self, id: &str) -> Result<()>;

    #[c1_endpoint(GET "/api/v1/wid gets/./<>#top")]
    async fn several(&self) -> Result<()>;
}

fn main() {}
