//! The future an endpoint method returns.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::auth::Credential;
use crate::endpoint::Endpoint;
use crate::error::Result;
use crate::sent::Sending;

/// Reads a 2xx body into `T`, removing the credentials it is given from any
/// snippet of the body.
pub(crate) type Decoder<T> = fn(&Endpoint, &[u8], &[&[u8]]) -> Result<T>;

/// A call of an endpoint in flight: a future of [`c1::Result<T>`](crate::Result),
/// returned by every `#[c1_endpoint]` method. Await it; dropping it cancels
/// the call.
///
/// It is [`Send`], [`Unpin`] and `'static`: it owns what it needs (the
/// request, built when the method was called, and a handle on the client,
/// shared like a clone of [`Client`](crate::Client)), so it borrows neither
/// the arguments nor the client or service handle it was made from. Store
/// it, return it from a closure, or spawn it:
/// `tokio::spawn(client.user().get(id))`.
///
/// `'c` is there for code that names it (`Call<'_, T>`): every method
/// returns a `Call<'static, T>`, which is also a `Call<'c, T>` for any `'c`.
///
/// A named type rather than an `impl Future` per method: rustc checks a
/// trait method's `impl Trait` return as a type of its own, and for a
/// service of hundreds of endpoints that was most of the compile time c1
/// added (issue 14).
#[must_use = "a call does nothing unless it is awaited"]
pub struct Call<'c, T> {
    endpoint: &'static Endpoint,
    sending: Sending,
    decode: Decoder<T>,
    /// Borrows nothing: `'c` is kept for source compatibility.
    lifetime: PhantomData<&'c ()>,
}

impl<T> Call<'static, T> {
    pub(crate) fn new(endpoint: &'static Endpoint, sending: Sending, decode: Decoder<T>) -> Self {
        Call {
            endpoint,
            sending,
            decode,
            lifetime: PhantomData,
        }
    }
}

impl<T> Future for Call<'_, T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let sent = ready!(self.sending.as_mut().poll(cx))?;
        // Only a call that changed tokens has more than one to keep out of
        // errors: the usual call allocates nothing here.
        let decoded = if sent.earlier.is_empty() {
            let secret = sent.credential.as_ref().map(Credential::secret);
            (self.decode)(self.endpoint, &sent.output.body, secret.as_slice())
        } else {
            (self.decode)(self.endpoint, &sent.output.body, &sent.secrets())
        };
        Poll::Ready(decoded.map_err(|e| e.with_attempts(sent.attempts)))
    }
}

/// The endpoint only: the arguments can be personal data.
impl<T> fmt::Debug for Call<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.endpoint.method)
            .field("path", &self.endpoint.template)
            .finish_non_exhaustive()
    }
}
