//! Removing credentials from what a server sent back before it goes into an
//! error: a proxy that echoes the request, or a server that quotes the token
//! it refused, must not put the token in `Display`, `Debug` or a log line.
//!
//! A credential is found however the server wrote it: literally, JSON-escaped
//! character by character (`\/`, `\"`, `\\`, `\u002F`) or percent-encoded
//! (`%2F`, `+` for a space).

use std::borrow::Cow;

/// What replaces a credential.
pub(crate) const REDACTED: &[u8] = b"[redacted]";

/// Shorter values are not searched for: they would redact ordinary words.
const MIN_SECRET_LEN: usize = 8;

/// A credential that has reached at least this many characters at the end of
/// a cut text is redacted too: the text may be the start of a longer body.
const MIN_PARTIAL_LEN: usize = 4;

/// `text` with every occurrence of each of `secrets` replaced by
/// [`REDACTED`]. When `cut` is true, `text` is the start of a longer body, so
/// a credential running into its end is redacted as well.
pub(crate) fn redact<'a>(text: &'a [u8], secrets: &[&[u8]], cut: bool) -> Cow<'a, [u8]> {
    let secrets: Vec<&[u8]> = secrets
        .iter()
        .copied()
        .filter(|s| s.len() >= MIN_SECRET_LEN)
        .collect();
    if secrets.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut at = 0;
    while at < text.len() {
        let found = secrets
            .iter()
            .find_map(|secret| occurrence(&text[at..], secret, cut));
        match found {
            Some(len) => {
                let out = out.get_or_insert_with(|| Vec::with_capacity(text.len()));
                out.extend_from_slice(&text[copied..at]);
                out.extend_from_slice(REDACTED);
                at += len;
                copied = at;
            }
            None => at += 1,
        }
    }
    match out {
        Some(mut out) => {
            out.extend_from_slice(&text[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(text),
    }
}

/// The length of the encoded `secret` at the start of `text`, if it is there
/// (or, when `cut`, a long enough start of it runs into the end of `text`).
fn occurrence(text: &[u8], secret: &[u8], cut: bool) -> Option<usize> {
    let mut pos = 0;
    for (matched, &want) in secret.iter().enumerate() {
        if pos == text.len() {
            return (cut && matched >= MIN_PARTIAL_LEN).then_some(pos);
        }
        if text[pos] == want {
            pos += 1;
            continue;
        }
        match encoded_byte(&text[pos..]) {
            Decoded::Byte(byte, len) if byte == want => pos += len,
            Decoded::Truncated if cut && matched >= MIN_PARTIAL_LEN => return Some(text.len()),
            _ => return None,
        }
    }
    Some(pos)
}

/// One byte of text, possibly written as an escape.
enum Decoded {
    /// The byte and how many bytes of text spelled it.
    Byte(u8, usize),
    /// An escape that the end of the text cuts short.
    Truncated,
}

/// The byte that starts `text` when read as an escape: JSON (`\/`,
/// `\u002F`), percent (`%2F`) or form (`+` for a space).
fn encoded_byte(text: &[u8]) -> Decoded {
    match text {
        [b'\\', b'u', rest @ ..] => match rest {
            [a, b, c, d, ..] => match hex4([*a, *b, *c, *d]) {
                Some(code) if code < 0x80 => Decoded::Byte(code as u8, 6),
                _ => Decoded::Byte(b'\\', 1),
            },
            _ => Decoded::Truncated,
        },
        [b'\\', escaped, ..] => match escaped {
            b'/' | b'"' | b'\\' => Decoded::Byte(*escaped, 2),
            _ => Decoded::Byte(b'\\', 1),
        },
        [b'\\'] => Decoded::Truncated,
        [b'%', hi, lo, ..] => match (hex(*hi), hex(*lo)) {
            (Some(hi), Some(lo)) => Decoded::Byte(hi << 4 | lo, 3),
            _ => Decoded::Byte(b'%', 1),
        },
        [b'%', ..] => Decoded::Truncated,
        [b'+', ..] => Decoded::Byte(b' ', 1),
        [byte, ..] => Decoded::Byte(*byte, 1),
        [] => Decoded::Truncated,
    }
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|d| d as u8)
}

fn hex4(digits: [u8; 4]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |acc, d| Some(acc << 4 | u32::from(hex(*d)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str, secret: &str, cut: bool) -> String {
        String::from_utf8(redact(text.as_bytes(), &[secret.as_bytes()], cut).into_owned()).unwrap()
    }

    #[test]
    fn finds_every_spelling() {
        let secret = "abc/def+ghi\"jk";
        for (text, want) in [
            ("x abc/def+ghi\"jk y", "x [redacted] y"),
            (r#"x abc\/def+ghi\"jk y"#, "x [redacted] y"),
            (r#"x abc\u002Fdef\u002bghi\u0022jk y"#, "x [redacted] y"),
            ("x abc%2Fdef%2Bghi%22jk y", "x [redacted] y"),
            ("abc/def+ghi\"jkabc/def+ghi\"jk", "[redacted][redacted]"),
            ("abc/def+ghi\"j", "abc/def+ghi\"j"),
            ("nothing here", "nothing here"),
        ] {
            assert_eq!(r(text, secret, false), want, "{text}");
        }
    }

    #[test]
    fn a_cut_text_loses_the_credential_it_ends_with() {
        let secret = "abcdefghijkl";
        assert_eq!(r("say abcdefg", secret, true), "say [redacted]");
        assert_eq!(r("say abcdefg", secret, false), "say abcdefg");
        assert_eq!(
            r("say abc", secret, true),
            "say abc",
            "3 characters are no leak"
        );
        assert_eq!(r(r"say abcde\u00", secret, true), "say [redacted]");
    }

    #[test]
    fn short_secrets_and_odd_escapes_are_left_alone() {
        assert_eq!(r("a short one", "short", false), "a short one");
        assert_eq!(r(r"\q %zz \u12", "abcdefgh", true), r"\q %zz \u12");
        assert!(matches!(
            redact(b"plain", &[b"abcdefgh"], false),
            Cow::Borrowed(_)
        ));
    }
}
