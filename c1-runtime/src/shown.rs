//! What a message may show of a value the user gave: a setting is quoted in
//! an error or a `Debug` only when it is short, printable and does not look
//! like a credential, so a secret put in the wrong slot (a client secret as
//! the client ID, a token as the server URL) is never shown. Otherwise the
//! message names the slot and the shape it expects.
//!
//! A URL is judged on its parsed form (as reqwest parses it), never on its
//! text: its user info is never shown.

use reqwest::Url;
use url::Position;

/// The longest value a message quotes.
pub(crate) const MAX_QUOTED: usize = 100;

/// Letters and digits in a row, mixing two of lowercase, uppercase and
/// digits, that read as a key or token rather than a word or a name.
const RANDOM_RUN: usize = 16;

/// Token characters (letters, digits, `-_+/=`) in a row, mixing lowercase,
/// uppercase and digits, that read as a token.
const TOKEN_RUN: usize = 20;

/// What replaces a value that is not shown, in `Debug`.
pub(crate) const NOT_SHOWN: &str = "[not shown]";

/// Whether `value` may be quoted: 1 to [`MAX_QUOTED`] printable ASCII
/// characters (no space or control character) that do not look like a
/// credential (see [`looks_like_credential`]).
pub(crate) fn quotable(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_QUOTED
        && value.bytes().all(|b| b.is_ascii_graphic())
        && !looks_like_credential(value)
}

/// Whether `value` looks like a credential: it holds a ConductorOne secret's
/// `secret-token` prefix, the `eyJ` that starts a base64-encoded JSON object
/// (a JWT, an assertion, the key of a client secret), or a random-looking
/// run of characters (a hex or base64 key or token).
pub(crate) fn looks_like_credential(value: &str) -> bool {
    value.to_ascii_lowercase().contains("secret-token")
        || value.contains("eyJ")
        || has_random_run(value, RANDOM_RUN, |b| b.is_ascii_alphanumeric(), 2)
        || has_random_run(
            value,
            TOKEN_RUN,
            |b| b.is_ascii_alphanumeric() || b"-_+/=".contains(&b),
            3,
        )
}

/// Whether `value` has a run of at least `len` bytes that are all `member`,
/// mixing at least `classes` of lowercase, uppercase and digits.
fn has_random_run(value: &str, len: usize, member: fn(u8) -> bool, classes: usize) -> bool {
    value
        .as_bytes()
        .split(|b| !member(*b))
        .filter(|run| run.len() >= len)
        .any(|run| {
            let has = |class: fn(&u8) -> bool| usize::from(run.iter().any(class));
            has(u8::is_ascii_lowercase) + has(u8::is_ascii_uppercase) + has(u8::is_ascii_digit)
                >= classes
        })
}

/// `value` quoted in backticks when it may be shown, else `None`.
pub(crate) fn quoted(value: &str) -> Option<String> {
    quotable(value).then(|| format!("`{value}`"))
}

/// Whether a parsed URL has user info (`user:password@`), as reqwest
/// would read it (and send it as a `Basic` `Authorization`).
pub(crate) fn has_user_info(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// What a message may show of the URL `text`: the parsed URL up to its
/// path (no query or fragment), its user info, if any, replaced by
/// `[redacted]`; `None` when it does not parse, has no host, or what would
/// be shown is not [`quotable`].
pub(crate) fn shown_url(text: &str) -> Option<String> {
    let url = Url::parse(text).ok()?;
    shown_parsed_url(&url)
}

/// [`shown_url`] for a parsed URL.
pub(crate) fn shown_parsed_url(url: &Url) -> Option<String> {
    if !url.has_host() {
        return None;
    }
    let shown = if has_user_info(url) {
        format!(
            "{}[redacted]@{}",
            &url[..Position::BeforeUsername],
            &url[Position::BeforeHost..Position::AfterPath]
        )
    } else {
        url[..Position::AfterPath].to_owned()
    };
    // The marker itself is not a credential; the rest must pass.
    quotable(&shown.replace("[redacted]@", "")).then_some(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_not_quotable() {
        for secret in [
            "secret-token:conductorone.com:v1:abc",
            "SECRET-TOKEN:x",
            "eyJhbGciOiJIUzI1NiJ9",
            "0123456789abcdef0123",
            "AbCdEfGhIjKlMnOpQr",
            "tok-SECRET-8c2f/9d1e+77aa",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "has space",
            "tab\there",
            "ünïcode",
            "",
            &"a".repeat(MAX_QUOTED + 1),
        ] {
            assert!(!quotable(secret), "{secret}");
        }
        for fine in [
            "strange-hydra-68836@acme.conductor.one/pcc",
            "acme.conductor.one",
            "internationalbusinessmachines",
            "https://acme.conductor.one/prefix",
            "http://127.0.0.1:8080",
            "a?b",
            "invalid_client",
            "mac",
        ] {
            assert!(quotable(fine), "{fine}");
        }
    }

    #[test]
    fn urls_are_shown_from_their_parsed_form() {
        for (text, shown) in [
            (
                "https://acme.conductor.one",
                Some("https://acme.conductor.one/"),
            ),
            ("https://h/p?token=abc#f", Some("https://h/p")),
            ("ftp://acme", Some("ftp://acme/")),
            ("https://u:hunter2@h/p", Some("https://[redacted]@h/p")),
            ("https:/u:hunter2@h", Some("https://[redacted]@h/")),
            ("HTTPS:/\\u:hunter2@h", Some("https://[redacted]@h/")),
            ("https:u:hunter2@h", Some("https://[redacted]@h/")),
            ("foo:/u:hunter2@h", None),
            ("secret-token:conductorone.com:v1:eyJ", None),
            ("not a url", None),
            ("https://eyJhbGciOiJIUzI1NiJ9.example.com", None),
        ] {
            assert_eq!(shown_url(text).as_deref(), shown, "{text}");
        }
    }
}
