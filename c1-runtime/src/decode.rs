//! Reading an answer: a 2xx body into the caller's type, a non-2xx body
//! into an [`Error`].
//!
//! Nothing a server sent is quoted in an error message: serde's messages
//! quote the offending value (`invalid type: string "Bearer ..."`), so a
//! decode error keeps only serde's category, the JSON path, line and column.
//! The body itself is shown only as a snippet (or, for an error body, the
//! server's `google.rpc.Status` message), after the credential the request
//! carried has been removed from it.

use serde::de::DeserializeOwned;

use crate::endpoint::Endpoint;
use crate::error::{ApiStatus, Error, ErrorKind, Result, redacted_snippet};
use crate::redact::redact;
use crate::retry::{Failure, Retry};
use crate::transport::Reply;

/// The start of the message with which a model refuses a body that nests its
/// recursive types too deeply (c1's `models::wire::nested`); the rest of the
/// message is the limit. Nothing in it comes from the body.
pub const NESTING_LIMIT_EXCEEDED: &str =
    "nesting limit exceeded: the answer nests recursive types more than ";

/// Decodes a 2xx body; an empty body reads as `{}`. `secrets` are the
/// credentials the request carried, removed from any snippet of the body.
pub(crate) fn decode<T: DeserializeOwned>(
    endpoint: &Endpoint,
    body: &[u8],
    secrets: &[&[u8]],
) -> Result<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    // serde_json limits nesting to 128 JSON levels. That alone does not
    // bound the stack: a type's derived decoding can take kilobytes of stack
    // per level, so c1's models count the levels of their recursive types
    // themselves and refuse a body past their limit (NESTING_LIMIT_EXCEEDED).
    // Tracking the path costs an allocation per key, so
    // it is done only to explain a failure: decoding is deterministic, the
    // second pass fails where the first did.
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(first) => Err(decode_error::<T>(endpoint, body, first, secrets)),
    }
}

/// The error for a body that does not decode into `T`.
#[cold]
fn decode_error<T: DeserializeOwned>(
    endpoint: &Endpoint,
    body: &[u8],
    first: serde_json::Error,
    secrets: &[&[u8]],
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(body);
    let (path, inner) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (e.path().to_string(), e.into_inner()),
        // Only trailing characters are left to fail on.
        Ok(_) => (String::new(), de.end().err().unwrap_or(first)),
    };
    let message = format!(
        "the response body does not decode: {} (line {}, column {})",
        describe(&inner),
        inner.line(),
        inner.column()
    );
    let mut err = Error::new(ErrorKind::Decode, message)
        .with_request(endpoint.method, endpoint.template)
        .with_body_snippet(redacted_snippet(body, secrets, false));
    if !path.is_empty() && path != "." {
        // Map keys in the path come from the body.
        let path = redact(path.as_bytes(), secrets, false);
        err = err.with_json_path(String::from_utf8_lossy(&path).into_owned());
    }
    err
}

/// What went wrong, in serde's words but without the value it quotes.
fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let message = e.to_string();
    // serde_json appends " at line L column C"; the position is reported apart.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head);
    match e.classify() {
        // Fixed wording (`EOF while parsing a list`, `recursion limit
        // exceeded`, `trailing characters`): it quotes nothing.
        Category::Syntax | Category::Eof => format!("not valid JSON: {message}"),
        Category::Io => "the body could not be read".to_owned(),
        Category::Data => describe_data(message),
    }
}

/// serde's message for a value of the wrong shape, with the value cut out:
/// `invalid type: string "x", expected a u32` becomes
/// `invalid type: string, expected a u32`. Messages of another shape, whose
/// wording c1 cannot vouch for, are replaced by a generic one.
fn describe_data(message: &str) -> String {
    for kind in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(kind)
            && let Some((unexpected, expected)) = rest.rsplit_once(", expected ")
        {
            // `string "..."`, `integer `5``, `map`: keep the first word.
            let category = unexpected.split([' ', '`', '"']).next().unwrap_or("value");
            return format!("{kind}{category}, expected {expected}");
        }
    }
    let safe_prefixes = [
        "missing field `",
        "duplicate field `",
        "invalid length ",
        NESTING_LIMIT_EXCEEDED,
    ];
    if safe_prefixes.iter().any(|p| message.starts_with(p)) || message == "recursion limit exceeded"
    {
        // Field names, lengths and limits come from the type, not the body.
        return message.to_owned();
    }
    "a value does not have the type the answer declares".to_owned()
}

/// The error for a non-2xx answer: the `google.rpc.Status` of the body when
/// it is one, else the start of the body; `secrets` removed from both. `cut`:
/// the body is the start of a longer one (the read stopped at its limit), so
/// a credential it ends with is removed however little of it is left.
pub(crate) fn status_error(status: u16, body: &[u8], secrets: &[&[u8]], cut: bool) -> Error {
    let body = redact(body, secrets, cut);
    let mut err =
        Error::new(ErrorKind::Status, "the server refused the request").with_status(status);
    match serde_json::from_slice::<ApiStatus>(&body) {
        Ok(api) if !api.message.is_empty() || api.code != 0 => err = err.with_api_status(api),
        _ if !body.iter().all(u8::is_ascii_whitespace) => {
            err = err.with_body_snippet(redacted_snippet(&body, &[], cut));
        }
        _ => {}
    }
    err
}

/// The failure of an attempt answered with a non-2xx status: its
/// [`status_error`], retried as the status allows.
pub(crate) fn status_failure(reply: &Reply, secrets: &[&[u8]]) -> Failure {
    Failure {
        error: status_error(reply.status, &reply.body, secrets, reply.cut)
            .with_retry_after(reply.retry_after),
        retry: Retry::for_status(reply.status),
        retry_after: reply.retry_after,
        unauthorized: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_messages_lose_their_values() {
        for (message, want) in [
            (
                r#"invalid type: string "Bearer abc", expected struct User"#,
                "invalid type: string, expected struct User",
            ),
            (
                r#"invalid type: string "a, expected b", expected a u32"#,
                "invalid type: string, expected a u32",
            ),
            (
                "invalid value: integer `70000`, expected u16",
                "invalid value: integer, expected u16",
            ),
            ("missing field `id`", "missing field `id`"),
            (
                "nesting limit exceeded: the answer nests recursive types more than 32 levels",
                "nesting limit exceeded: the answer nests recursive types more than 32 levels",
            ),
            (
                "`sekrit` is not an RFC 3339 timestamp",
                "a value does not have the type the answer declares",
            ),
            (
                "unknown variant `sekrit`, expected `A`",
                "a value does not have the type the answer declares",
            ),
        ] {
            assert_eq!(describe_data(message), want, "{message}");
        }
    }
}
