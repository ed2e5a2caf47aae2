// A `Result` that is not c1's: by its path, or by its type behind a name
// that looks right.

use c1::{Api, c1_endpoint};

pub struct Widget;

pub trait Widgets: Api {
    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn io(&self) -> std::io::Result<Widget>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn io_error(&self) -> Result<Widget, std::io::Error>;

    #[c1_endpoint(GET "/api/v1/widgets")]
    async fn string_error(&self) -> Result<Widget, String>;
}

fn main() {}
