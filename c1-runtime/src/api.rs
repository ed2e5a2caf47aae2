//! The supertrait every endpoint trait declares.

use crate::Client;

/// Gives declared endpoints the [`Client`] to send with.
///
/// A trait whose methods carry `#[c1_endpoint]` must have `Api` as a
/// supertrait (`pub trait Widgets: c1::Api { ... }`); implementing it for your
/// own type lets endpoint traits be implemented on a wrapper of `Client`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot send c1 endpoints: it does not implement `c1::Api`",
    label = "this trait's `#[c1_endpoint]` methods need the `c1::Api` supertrait",
    note = "add `: c1::Api` to the trait that declares the endpoint, e.g. `pub trait Widgets: c1::Api {{ ... }}`"
)]
pub trait Api {
    /// The client that sends this value's requests.
    fn c1_client(&self) -> &Client;
}

impl Api for Client {
    fn c1_client(&self) -> &Client {
        self
    }
}

/// The client of `api`; the expansion's bound check that `Self: Api`.
pub fn client<A: Api + ?Sized>(api: &A) -> &Client {
    api.c1_client()
}
