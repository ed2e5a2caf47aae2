//! Query values: what may fill a `?<name>` parameter.

use std::borrow::Cow;

/// A value that can be sent as a query parameter.
///
/// `Option<T>` leaves the parameter out when `None`; everything else is always
/// sent. Implement it for your own types to send them as query values.
///
/// A parameter is sent at most once (`?name=value`): repeated keys
/// (`?id=a&id=b`) are not supported, so slices and `Vec`s are not query
/// values. (No ConductorOne operation takes a list in its query.)
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a query value: it does not implement `c1::QueryValue`",
    label = "this parameter fills a `?<name>` of the query",
    note = "a query parameter is sent once, `?name=value`: repeated keys (`?id=a&id=b`) are not supported, so slices and `Vec`s are not query values",
    note = "implement `c1::QueryValue` for `{Self}` to send it as one value, or pass a string, a number, a `bool` or an `Option` of one"
)]
pub trait QueryValue {
    /// The unescaped text to send, or `None` to leave the parameter out.
    fn to_query_value(&self) -> Option<Cow<'_, str>>;
}

impl QueryValue for str {
    fn to_query_value(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}

impl QueryValue for String {
    fn to_query_value(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}

impl QueryValue for bool {
    fn to_query_value(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(if *self { "true" } else { "false" }))
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query_value(&self) -> Option<Cow<'_, str>> {
        (**self).to_query_value()
    }
}

impl<T: QueryValue> QueryValue for Option<T> {
    fn to_query_value(&self) -> Option<Cow<'_, str>> {
        self.as_ref().and_then(T::to_query_value)
    }
}

macro_rules! integer_query_values {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query_value(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Owned(self.to_string()))
            }
        }
    )*};
}
integer_query_values!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize
);
