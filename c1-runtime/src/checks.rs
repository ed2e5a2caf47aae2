//! Compile-time checks that `#[c1_endpoint]` expansions emit on the user's
//! types, spanned on the user's own tokens, so a mistake is reported where it
//! was written with a message naming the fix, not inside the expansion.

/// The return type of an endpoint: `c1::Result<T>`.
#[diagnostic::on_unimplemented(
    message = "an endpoint returns `c1::Result<T>`, not `{Self}`",
    label = "write `c1::Result<T>` here",
    note = "`c1::Result<T>` is `Result<T, c1::Error>`; another `Result` (such as `std::io::Result<T>`) cannot carry c1's errors"
)]
pub trait EndpointResult {}

impl<T> EndpointResult for crate::Result<T> {}

/// Asserts that `R` is `c1::Result<T>`.
pub const fn returns<R: EndpointResult>() {}

/// Asserts that `T` can be decoded from an answer. Bound on one `'de`, not
/// `for<'de>` (as `DeserializeOwned` is), so serde's own hint to derive
/// `Deserialize` is shown.
pub const fn decodes<'de, T: serde::Deserialize<'de>>() {}
