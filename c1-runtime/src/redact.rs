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

/// A credential at least this long is redacted wherever it occurs. A
/// shorter one is redacted where it stands alone: not inside a longer run of
/// letters and digits (see [`stands_alone`]), so a token `tok` does not
/// blank out `token`, yet an echo such as `Bearer tok` loses it.
const MIN_ANYWHERE_LEN: usize = 8;

/// A credential that has reached at least this many characters at the end of
/// a cut text is redacted too: the text may be the start of a longer body,
/// and any start of a credential is part of it.
const MIN_PARTIAL_LEN: usize = 1;

/// `text` with every occurrence of each of `secrets` replaced by
/// [`REDACTED`]. When `cut` is true, `text` is the start of a longer body, so
/// a credential running into its end is redacted as well, however little of
/// it is left.
pub(crate) fn redact<'a>(text: &'a [u8], secrets: &[&[u8]], cut: bool) -> Cow<'a, [u8]> {
    let secrets: Vec<&[u8]> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    if secrets.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut at = 0;
    while at < text.len() {
        let found = secrets.iter().find_map(|secret| {
            let len = occurrence(&text[at..], secret, cut)?;
            (secret.len() >= MIN_ANYWHERE_LEN || stands_alone(text, at, at + len)).then_some(len)
        });
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

/// Whether `text[start..end]` is not inside a longer run of ASCII letters and
/// digits: the byte before it is none (or ends an escape, `%20` or `\u0020`,
/// of one that is none) and neither is the byte after it.
fn stands_alone(text: &[u8], start: usize, end: usize) -> bool {
    let before = &text[..start];
    let escaped_before = match before {
        [.., b'%', hi, lo] => hex(*hi).zip(hex(*lo)).map(|(hi, lo)| hi << 4 | lo),
        [.., b'\\', b'u', a, b, c, d] => {
            hex4([*a, *b, *c, *d]).map(|code| u8::try_from(code).unwrap_or(0xff))
        }
        _ => None,
    };
    let boundary_before = match (escaped_before, before.last()) {
        (Some(byte), _) => !byte.is_ascii_alphanumeric(),
        (None, Some(byte)) => !byte.is_ascii_alphanumeric(),
        (None, None) => true,
    };
    boundary_before && text.get(end).is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// The length of the encoded `secret` at the start of `text`, if it is there
/// (or, when `cut`, a start of it runs into the end of `text`).
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
        assert_eq!(r(r"say abcde\u00", secret, true), "say [redacted]");
    }

    /// However little of a credential a cut text ends with, it goes.
    #[test]
    fn a_cut_text_loses_even_the_first_characters_of_a_credential() {
        let secret = "abcdefghijkl";
        for kept in 1..secret.len() {
            let text = format!("say {}", &secret[..kept]);
            assert_eq!(r(&text, secret, true), "say [redacted]", "{text}");
        }
        assert_eq!(r("say abc%2", "abc/defghijk", true), "say [redacted]");
        // Not a start of the credential, or an escape that starts nothing:
        // kept.
        assert_eq!(r("say abd", secret, true), "say abd");
        assert_eq!(r(r"say \u00", secret, true), r"say \u00");
    }

    /// A credential under 8 characters is redacted where it stands alone,
    /// however it is spelled, but not inside a longer word.
    #[test]
    fn short_secrets_are_redacted_where_they_stand_alone() {
        for (text, want) in [
            ("Bearer tok", "Bearer [redacted]"),
            ("tok", "[redacted]"),
            (
                r#"{"auth":"Bearer tok"}"#,
                r#"{"auth":"Bearer [redacted]"}"#,
            ),
            ("Bearer%20tok&x", "Bearer%20[redacted]&x"),
            (r"Bearer\u0020tok", r"Bearer\u0020[redacted]"),
            ("tok-tok.tok", "[redacted]-[redacted].[redacted]"),
            ("the token is stok or toke", "the token is stok or toke"),
            ("%41tok", "%41tok"),
        ] {
            assert_eq!(r(text, "tok", false), want, "{text}");
        }
        assert_eq!(r("a/b c", "a/b", false), "[redacted] c");
        assert_eq!(r("x s3", "s3cr3t", true), "x [redacted]");
        assert_eq!(r("xs3", "s3cr3t", true), "xs3");
    }

    #[test]
    fn odd_escapes_are_left_alone() {
        assert_eq!(r(r"\q %zz \u12", "abcdefgh", true), r"\q %zz \u12");
        assert!(matches!(
            redact(b"plain", &[b"abcdefgh"], false),
            Cow::Borrowed(_)
        ));
        assert!(matches!(redact(b"plain", &[b""], true), Cow::Borrowed(_)));
    }
}
