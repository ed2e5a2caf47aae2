//! Fuzzes the `#[c1_endpoint]` template parser with arbitrary strings.
//!
//! Checks, besides "never panics":
//! - on `Err`: at least one error, each with a message and a range that is a
//!   char-boundary slice of the input;
//! - on `Ok`: the input starts with `/`; no literal is a dot segment, plain
//!   or percent-encoded (`%2e%2E`); every placeholder name is unique
//!   and an identifier both by the parser's documented rule (ASCII,
//!   re-implemented here) and by rustc's Unicode XID rule; each
//!   placeholder's range slices the input to `<name>` or `<r#name>`; the
//!   template written back from the parsed value (with each placeholder as
//!   the source text at its range) is the input byte for byte; and the
//!   template written back canonically (`r#` dropped) parses to the same
//!   segments, literals and names.

#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;

#[path = "../../c1-macros/src/template.rs"]
#[allow(dead_code)]
mod template;

use template::{Segment, Template};

fuzz_target!(|input: &str| check(input));

fn check(input: &str) {
    let parsed = match template::parse(input) {
        Ok(t) => t,
        Err(errors) => {
            assert!(!errors.is_empty(), "Err with no errors for {input:?}");
            for e in &errors {
                assert!(!e.message.is_empty(), "empty message for {input:?}");
                assert!(
                    input.get(e.range.clone()).is_some(),
                    "error range {:?} is not a slice of {input:?}",
                    e.range
                );
            }
            return;
        }
    };

    assert!(
        input.starts_with('/'),
        "accepted {input:?} without a leading `/`"
    );
    assert!(
        !parsed.segments.is_empty(),
        "accepted {input:?} with no segment"
    );

    let mut seen = HashSet::new();
    for p in parsed.placeholders() {
        assert!(is_identifier(&p.name), "name {:?} in {input:?}", p.name);
        assert!(
            is_rust_identifier(&p.name),
            "name {:?} in {input:?} is not an identifier to rustc (XID)",
            p.name
        );
        assert!(
            seen.insert(p.name.clone()),
            "duplicate {:?} in {input:?}",
            p.name
        );
        let source = input.get(p.range.clone()).unwrap_or_else(|| {
            panic!(
                "placeholder range {:?} is not a slice of {input:?}",
                p.range
            )
        });
        assert!(
            source == format!("<{}>", p.name) || source == format!("<r#{}>", p.name),
            "placeholder {:?} at {:?} reads {source:?} in {input:?}",
            p.name,
            p.range
        );
    }
    for s in &parsed.segments {
        if let Segment::Literal(text) = s {
            assert!(!text.is_empty(), "empty literal in {input:?}");
            assert!(
                !text.contains(['/', '?', '#', '<', '>', ' ']),
                "literal {text:?} in {input:?}"
            );
            // Dot segments, also percent-encoded (`%2E%2e`), which URL
            // parsers resolve: decoded here independently of the parser.
            let decoded = text.replace("%2e", ".").replace("%2E", ".");
            assert!(
                decoded != "." && decoded != "..",
                "dot segment {text:?} in {input:?}"
            );
        }
    }

    // Written back with the source text of each placeholder: the input.
    assert_eq!(
        render(&parsed, |p| input[p.range.clone()].to_owned()),
        input,
        "written back differently"
    );

    // Written back canonically: parses to the same template (ranges aside).
    let canonical = render(&parsed, |p| format!("<{}>", p.name));
    let reparsed = template::parse(&canonical)
        .unwrap_or_else(|e| panic!("{canonical:?} (from {input:?}) does not parse: {e:?}"));
    assert_eq!(
        shape(&reparsed),
        shape(&parsed),
        "{canonical:?} from {input:?}"
    );
    assert_eq!(reparsed.display_path(), parsed.display_path());
}

/// The template as text, each placeholder written by `placeholder`.
fn render(t: &Template, placeholder: impl Fn(&template::Placeholder) -> String) -> String {
    let mut out = String::new();
    for s in &t.segments {
        out.push('/');
        match s {
            Segment::Literal(text) => out.push_str(text),
            Segment::Param(p) => out.push_str(&placeholder(p)),
        }
    }
    for (i, p) in t.query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(&placeholder(p));
    }
    out
}

/// A template without byte ranges: literals as `Ok`, names as `Err`; query names.
type Shape = (Vec<Result<String, String>>, Vec<String>);

fn shape(t: &Template) -> Shape {
    let segments = t
        .segments
        .iter()
        .map(|s| match s {
            Segment::Literal(text) => Ok(text.clone()),
            Segment::Param(p) => Err(p.name.clone()),
        })
        .collect();
    (segments, t.query.iter().map(|p| p.name.clone()).collect())
}

/// A Rust identifier other than `_` (keywords allowed: raw identifiers).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    name != "_" && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Whether rustc accepts `name` as an identifier: XID_Start or `_`, then
/// XID_Continue (the Unicode definition, from `unicode-ident`).
fn is_rust_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c == '_' || unicode_ident::is_xid_start(c) => {}
        _ => return false,
    }
    name != "_" && chars.all(unicode_ident::is_xid_continue)
}
