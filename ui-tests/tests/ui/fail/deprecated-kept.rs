// `#[deprecated]` stays on the generated method: calling it warns (denied here).

#![deny(deprecated)]

use c1::{Api, Client, Result, c1_endpoint};

pub trait Old: Api {
    /// Removes a thing.
    #[deprecated(note = "use `remove` instead")]
    #[c1_endpoint(DELETE "/api/v1/old/<id>")]
    async fn old(&self, id: u32) -> Result<()>;
}

impl Old for Client {}

fn call(client: &Client) {
    let _ = client.old(1);
}

fn main() {}
