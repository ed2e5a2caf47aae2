//! A trait with type parameters of its own can hold endpoints: the method
//! returns `c1::Call<'static, T>`, which names no type of the trait's (and
//! is a `Call<'c, T>` for code that names it with a shorter lifetime).

use c1::{Api, Call, Client, Result, c1_endpoint};
use serde::de::DeserializeOwned;

/// A service generic over the type its answers decode into.
pub trait Apps<T: DeserializeOwned>: Api {
    #[c1_endpoint(GET "/api/v1/apps/<id>")]
    async fn app(&self, id: &str) -> Result<T>;
}

impl Apps<serde_json::Value> for Client {}

/// The method's type, as a caller can name it.
fn app<'c>(client: &'c Client, id: &str) -> Call<'c, serde_json::Value> {
    Apps::<serde_json::Value>::app(client, id)
}

/// The call is a `Send` and `Unpin` future that outlives its arguments.
fn spawnable<F: std::future::Future + Send + Unpin + 'static>(_: F) {}

pub fn main() {
    let client: &'static Client = Box::leak(Box::new(
        Client::builder()
            .base_url("http://127.0.0.1:9")
            .bearer_token("t")
            .build()
            .unwrap(),
    ));
    let id = String::from("app-1");
    let call = app(client, &id);
    drop(id);
    spawnable(call);

    // Borrowing neither the arguments nor the client.
    let client = client.clone();
    let id = String::from("app-2");
    let call = Apps::<serde_json::Value>::app(&client, &id);
    drop((client, id));
    spawnable(call);
}
