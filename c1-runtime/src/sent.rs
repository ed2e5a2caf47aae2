//! What the attempt loop hands to the future of a call: the answer and the
//! credentials the call carried. Its own module so that `send` (which makes
//! it) and `call` (which reads it) do not depend on each other.

use std::future::Future;
use std::pin::Pin;

use crate::auth::Credential;
use crate::error::Result;
use crate::transport::Reply;

/// The request pipeline of one call, boxed so that its type has no name
/// to carry and is the same for every endpoint. It owns what it needs (the
/// request and a handle on the client), so it borrows nothing.
pub(crate) type Sending = Pin<Box<dyn Future<Output = Result<Sent<Reply>>> + Send>>;

/// What the attempt loop got: a 2xx answer, read by the operation into
/// `output` (an API call keeps the [`Reply`]; a token request, its token).
pub(crate) struct Sent<T> {
    pub(crate) output: T,
    /// Requests sent, retries included.
    pub(crate) attempts: u32,
    /// The credential the answered request carried, to keep it out of errors.
    pub(crate) credential: Option<Credential>,
    /// The credentials earlier attempts of the call carried (a token
    /// rejected with 401, or one replaced on expiry), kept out of errors too.
    pub(crate) earlier: Vec<Credential>,
}

impl<T> Sent<T> {
    /// Every credential the call carried, to remove from what the server sent.
    pub(crate) fn secrets(&self) -> Vec<&[u8]> {
        secrets(self.credential.as_ref(), &self.earlier)
    }
}

/// The tokens of `credential` and `earlier`.
pub(crate) fn secrets<'a>(
    credential: Option<&'a Credential>,
    earlier: &'a [Credential],
) -> Vec<&'a [u8]> {
    credential
        .into_iter()
        .chain(earlier)
        .map(Credential::secret)
        .collect()
}
