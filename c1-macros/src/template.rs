//! The path template language of `#[c1_endpoint]`: `/literal/<param>?<a>&<b>`.
//!
//! Plain `std` code with no syn or proc-macro types, so that a fuzz target can
//! include this file with `#[path]` and feed it arbitrary strings. It never
//! panics: every slice is taken at an ASCII delimiter found by searching, so
//! it is always on a char boundary. Offsets in errors are byte offsets into
//! the template.
//!
//! Rules:
//! - the template starts with `/`;
//! - every path segment is non-empty (no `//`, no trailing `/`, and `/` alone
//!   is refused: every C1 endpoint has a path);
//! - a segment is either literal text or exactly one `<name>` placeholder
//!   (`{name}` and a whole segment `:name` are refused, naming `<name>`);
//! - literal text is restricted to characters that are valid, unescaped, in a
//!   URL path (RFC 3986 `pchar`, `%XX` escapes included) and is not a dot
//!   segment: `.` or `..`, also when spelled with `%2e` (`%2E%2e`, `.%2e`, ...),
//!   which URL parsers decode and resolve the same way;
//! - an optional query follows `?`: `<a>&<b>`, placeholders only;
//! - a name is an ASCII Rust identifier (an `r#` prefix is allowed and dropped), used
//!   once in the whole template.

use std::fmt;
use std::ops::Range;

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The path segments, in order.
    pub segments: Vec<Segment>,
    /// The query placeholders, in order.
    pub query: Vec<Placeholder>,
}

/// One segment of the path (the text between two `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Literal text, sent as written.
    Literal(String),
    /// A `<name>` placeholder filled by a parameter.
    Param(Placeholder),
}

/// A `<name>` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The name without `r#`: the parameter it names and its query wire name.
    pub name: String,
    /// Where `<name>` is in the template, in bytes.
    pub range: Range<usize>,
}

/// One mistake in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// What is wrong, for a compile error; names the offending text.
    pub message: String,
    /// Where in the template, in bytes.
    pub range: Range<usize>,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Template {
    /// Every placeholder, path first then query.
    pub fn placeholders(&self) -> impl Iterator<Item = &Placeholder> {
        self.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param(p) => Some(p),
                Segment::Literal(_) => None,
            })
            .chain(&self.query)
    }

    /// The path as declared, placeholders as `<name>` (without `r#`), e.g.
    /// `/api/v1/apps/<app_id>`: what errors and logs show.
    pub fn display_path(&self) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Param(p) => {
                    out.push('<');
                    out.push_str(&p.name);
                    out.push('>');
                }
            }
        }
        out
    }
}

/// Parses `template`, reporting every mistake found.
pub fn parse(template: &str) -> Result<Template, Vec<TemplateError>> {
    let mut parser = Parser {
        src: template,
        errors: Vec::new(),
    };
    let template = parser.template();
    if parser.errors.is_empty() {
        Ok(template)
    } else {
        Err(parser.errors)
    }
}

struct Parser<'a> {
    src: &'a str,
    errors: Vec<TemplateError>,
}

impl Parser<'_> {
    fn error(&mut self, range: Range<usize>, message: String) {
        self.errors.push(TemplateError { message, range });
    }

    fn template(&mut self) -> Template {
        let src = self.src;
        let mut template = Template {
            segments: Vec::new(),
            query: Vec::new(),
        };
        if src.is_empty() {
            self.error(
                0..0,
                "the template is empty; it is the endpoint's path, e.g. \"/api/v1/apps/<app_id>\""
                    .to_owned(),
            );
            return template;
        }
        if let Some(hash) = fragment(src) {
            self.error(
                hash..src.len(),
                format!("`{}`: a template cannot have a `#` fragment", &src[hash..]),
            );
        }
        let fragment_start = fragment(src).unwrap_or(src.len());
        let (path_end, query_start) = match src.find('?').filter(|&q| q < fragment_start) {
            Some(q) => (q, Some(q + 1)),
            None => (fragment_start, None),
        };
        let path = &src[..path_end];
        if !path.starts_with('/') {
            self.error(
                0..path.len(),
                format!("the template `{src}` must start with `/`"),
            );
        }
        // A leading `/` opens the first segment; without one the text up to
        // the first `/` still is a segment, checked like any other.
        let body_start = usize::from(path.starts_with('/'));
        let mut start = body_start;
        loop {
            let end = path[start..].find('/').map_or(path.len(), |i| start + i);
            if let Some(segment) = self.segment(start..end) {
                template.segments.push(segment);
            }
            if end >= path.len() {
                break;
            }
            start = end + 1;
        }
        if let Some(start) = query_start {
            self.query(start, &mut template);
        }
        self.check_duplicates(&template);
        template
    }

    /// Parses the segment at `range` of the source (a path without `/`).
    fn segment(&mut self, range: Range<usize>) -> Option<Segment> {
        let src = self.src;
        let text = &src[range.clone()];
        if text.is_empty() {
            let shown = if !src[range.end..].starts_with('/') {
                format!(
                    "the template `{src}` ends with `/`; remove it (every segment must be non-empty)"
                )
            } else {
                format!("the template `{src}` has an empty segment (`//`)")
            };
            self.error(range.start.saturating_sub(1)..range.end, shown);
            return None;
        }
        if let Some(name) = other_placeholder_syntax(text) {
            self.error(
                range,
                format!("`{text}`: placeholders are written `<{name}>` in a c1 template"),
            );
            return None;
        }
        if !text.contains(['<', '>']) {
            return self.literal(range).map(Segment::Literal);
        }
        if text.starts_with('<') && text.ends_with('>') && text.len() >= 2 {
            let inner = &text[1..text.len() - 1];
            if !inner.contains(['<', '>']) {
                return self.placeholder(range).map(Segment::Param);
            }
        }
        // Something is wrong with the angle brackets: say what.
        match (text.find('<'), text.find('>')) {
            (Some(open), close)
                if close.is_none_or(|c| c < open) || !text[open..].contains('>') =>
            {
                self.error(
                    range.clone(),
                    format!("`{text}`: `<` without a closing `>`; a placeholder is `<name>`"),
                );
            }
            (None, Some(_)) => {
                self.error(
                    range.clone(),
                    format!("`{text}`: `>` without an opening `<`"),
                );
            }
            _ => {
                self.error(
                    range.clone(),
                    format!(
                        "`{text}`: a placeholder must fill the whole segment; \
                         write `/<name>/` with no other text between the slashes"
                    ),
                );
            }
        }
        None
    }

    /// Checks literal segment text; `None` after reporting a mistake.
    fn literal(&mut self, range: Range<usize>) -> Option<String> {
        let text = &self.src[range.clone()];
        if text == "." || text == ".." {
            self.error(
                range,
                format!("`/{text}` segments are not allowed: URLs normalize them away"),
            );
            return None;
        }
        if let Some(dots) = encoded_dot_segment(text) {
            self.error(
                range,
                format!(
                    "`/{text}` is the dot segment `{dots}` percent-encoded, which URLs \
                     also normalize away; remove it"
                ),
            );
            return None;
        }
        let bytes = text.as_bytes();
        let mut ok = true;
        for (i, c) in text.char_indices() {
            let fine = match c {
                'A'..='Z' | 'a'..='z' | '0'..='9' => true,
                '-' | '.' | '_' | '~' | '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ','
                | ';' | '=' | ':' | '@' => true,
                '%' => {
                    bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                        && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
                }
                _ => false,
            };
            if !fine {
                ok = false;
                let shown = if c == '%' {
                    "`%` not followed by two hex digits".to_owned()
                } else {
                    format!("{c:?}")
                };
                self.error(
                    range.clone(),
                    format!(
                        "`{text}`: {shown} is not allowed in a literal path segment; \
                         write it percent-encoded"
                    ),
                );
                break;
            }
        }
        ok.then(|| text.to_owned())
    }

    /// Parses `<name>` at `range` (brackets included, none inside).
    fn placeholder(&mut self, range: Range<usize>) -> Option<Placeholder> {
        let text = &self.src[range.clone()];
        let inner = text
            .strip_prefix('<')
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(text);
        let name = inner.strip_prefix("r#").unwrap_or(inner);
        if name.is_empty() {
            self.error(
                range,
                format!("`{text}`: a placeholder needs a name, e.g. `<app_id>`"),
            );
            return None;
        }
        if !is_identifier(name) {
            self.error(
                range,
                format!(
                    "`{text}`: `{inner}` is not a Rust identifier (ASCII letters, digits and `_`); a placeholder names a parameter"
                ),
            );
            return None;
        }
        Some(Placeholder {
            name: name.to_owned(),
            range,
        })
    }

    /// Parses the query starting at byte `start` (after `?`).
    fn query(&mut self, start: usize, template: &mut Template) {
        let src = self.src;
        let end = fragment(src).unwrap_or(src.len()).max(start);
        if start == end {
            self.error(
                start.saturating_sub(1)..end,
                format!(
                    "the template `{src}` has an empty query after `?`; \
                     list placeholders as `?<a>&<b>` or remove the `?`"
                ),
            );
            return;
        }
        let mut item_start = start;
        loop {
            let item_end = src[item_start..end]
                .find('&')
                .map_or(end, |i| item_start + i);
            let item = &src[item_start..item_end];
            let range = item_start..item_end;
            if item.is_empty() {
                self.error(
                    range.clone(),
                    format!(
                        "the query of `{src}` has an empty item (`&&`, or `&` at an end); \
                         write `?<a>&<b>`"
                    ),
                );
            } else if item.starts_with('<')
                && item.ends_with('>')
                && item.len() >= 2
                && !item[1..item.len() - 1].contains(['<', '>'])
            {
                if let Some(p) = self.placeholder(range.clone()) {
                    template.query.push(p);
                }
            } else if let Some(name) = other_placeholder_syntax(item) {
                self.error(
                    range.clone(),
                    format!("`{item}`: placeholders are written `<{name}>` in a c1 template"),
                );
            } else if item.contains('<') && !item.contains('>') {
                self.error(
                    range.clone(),
                    format!("`{item}`: `<` without a closing `>`; a placeholder is `<name>`"),
                );
            } else {
                self.error(
                    range.clone(),
                    format!(
                        "`{item}`: a query item must be one `<name>` placeholder; \
                         the parameter's name is sent as the query key"
                    ),
                );
            }
            if item_end >= end {
                break;
            }
            item_start = item_end + 1;
        }
    }

    fn check_duplicates(&mut self, template: &Template) {
        let path: Vec<&Placeholder> = template
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Param(p) => Some(p),
                Segment::Literal(_) => None,
            })
            .collect();
        let all: Vec<(&Placeholder, bool)> = path
            .iter()
            .map(|p| (*p, true))
            .chain(template.query.iter().map(|p| (p, false)))
            .collect();
        for (i, (p, in_path)) in all.iter().enumerate() {
            let Some((_, first_in_path)) = all[..i].iter().find(|(q, _)| q.name == p.name) else {
                continue;
            };
            let message = if *first_in_path && !in_path {
                format!(
                    "`{}` is used both in the path and in the query; a parameter fills one place",
                    p.name
                )
            } else {
                format!(
                    "placeholder `<{}>` appears twice; each parameter fills one place",
                    p.name
                )
            };
            self.error(p.range.clone(), message);
        }
    }
}

/// The dot segment (`.` or `..`) that `text` spells with at least one `%2e`
/// or `%2E`, as the WHATWG URL parser recognizes it.
pub fn encoded_dot_segment(text: &str) -> Option<&'static str> {
    let mut rest = text;
    let mut dots = 0;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            rest = after;
        } else if rest
            .as_bytes()
            .get(..3)
            .is_some_and(|b| b.eq_ignore_ascii_case(b"%2e"))
        {
            // Three ASCII bytes: index 3 is a char boundary.
            rest = &rest[3..];
        } else {
            return None;
        }
        dots += 1;
    }
    let plain = !text.contains('%');
    match dots {
        1 if !plain => Some("."),
        2 if !plain => Some(".."),
        _ => None,
    }
}

/// The name in a placeholder written as OpenAPI (`{name}`, anywhere in the
/// segment) or as Express and Rails routes (`:name`, the whole segment)
/// write it: the usual mistake, answered with the fix. A `:` inside a
/// literal (`onboarding:ensure`) is plain text.
fn other_placeholder_syntax(text: &str) -> Option<&str> {
    let name = match text.strip_prefix(':') {
        Some(name) => name,
        None => {
            let open = text.find('{')?;
            let close = open + text[open..].find('}')?;
            &text[open + 1..close]
        }
    };
    let name = name.strip_prefix("r#").unwrap_or(name);
    is_identifier(name).then_some(name)
}

/// Where a `#` fragment starts: a `#` that is not the one of a raw
/// identifier placeholder `<r#name>`.
fn fragment(src: &str) -> Option<usize> {
    src.match_indices('#')
        .map(|(i, _)| i)
        .find(|&i| !src[..i].ends_with("<r"))
}

/// Whether `name` is an ASCII Rust identifier (not `_`; keywords allowed, as
/// raw identifiers can spell them). Only ASCII: std has no Unicode XID tables,
/// and a wider test (`is_alphabetic`) would accept names rustc refuses, such
/// as `r¾` (found by the `template` fuzz target).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first == '_' || first.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && name != "_"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(t: &str) -> Vec<String> {
        parse(t)
            .unwrap_err()
            .into_iter()
            .map(|e| e.message)
            .collect()
    }

    #[test]
    fn parses_path_and_query() {
        let t = parse("/api/v1/widgets/<widget_id>/parts/<part_id>?<page_size>&<r#type>").unwrap();
        assert_eq!(
            t.display_path(),
            "/api/v1/widgets/<widget_id>/parts/<part_id>"
        );
        let names: Vec<&str> = t.placeholders().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["widget_id", "part_id", "page_size", "type"]);
        assert_eq!(t.query[1].range, 56..64);
        assert_eq!(t.segments[0], Segment::Literal("api".to_owned()),);
    }

    #[test]
    fn reports_every_mistake() {
        let m = messages("api//x/<a/b<c>d/<1x>/<a>?<a>&p=1&&<");
        assert!(m.iter().any(|m| m.contains("must start with `/`")), "{m:?}");
        assert!(m.iter().any(|m| m.contains("empty segment")), "{m:?}");
        assert!(m.iter().any(|m| m.contains("`<a`: `<` without")), "{m:?}");
        assert!(
            m.iter().any(|m| m.contains("fill the whole segment")),
            "{m:?}"
        );
        assert!(
            m.iter().any(|m| m.contains("not a Rust identifier")),
            "{m:?}"
        );
        assert!(
            m.iter()
                .any(|m| m.contains("both in the path and in the query")),
            "{m:?}"
        );
        assert!(m.iter().any(|m| m.contains("`p=1`: a query item")), "{m:?}");
        assert!(m.iter().any(|m| m.contains("empty item")), "{m:?}");
        assert_eq!(m.len(), 9, "{m:?}");
    }

    #[test]
    fn refuses_odd_shapes() {
        assert!(messages("/a/")[0].contains("ends with `/`"));
        assert!(messages("/")[0].contains("ends with `/`"));
        assert!(messages("")[0].contains("empty"));
        assert!(messages("/a?")[0].contains("empty query"));
        assert!(messages("/a/<>")[0].contains("needs a name"));
        assert!(messages("/a/<_>")[0].contains("not a Rust identifier"));
        // Names rustc refuses (U+00BE is numeric, not XID_Continue), and, as
        // std has no XID tables, non-ASCII names in general.
        assert!(messages("/a/<r\u{be}>")[0].contains("not a Rust identifier"));
        assert!(messages("/a/<caf\u{e9}>")[0].contains("not a Rust identifier"));
        assert!(messages("/a/<x>/<x>")[0].contains("appears twice"));
        assert!(messages("/a/..")[0].contains("normalize"));
        for dots in ["%2e", "%2E", "%2e%2e", "%2E%2e", ".%2e", "%2E.", "%2e%2E"] {
            let m = messages(&format!("/a/{dots}/b"));
            assert!(m[0].contains("percent-encoded"), "{dots}: {m:?}");
        }
        assert!(parse("/a/%2e%2e%2e/b").is_ok(), "three dots are a name");
        assert!(parse("/a/%2ex/b").is_ok());
        assert!(parse("/a/...").is_ok());
        assert!(messages("/a b")[0].contains("' ' is not allowed"));
        assert!(messages("/a%2")[0].contains("two hex digits"));
        assert!(messages("/a#f")[0].contains("fragment"));
        assert!(messages("/a>")[0].contains("without an opening"));
        assert!(parse("/a%2F:b@c").is_ok());
        assert_eq!(
            messages("/apps/{app_id}/x/:user_id"),
            [
                "`{app_id}`: placeholders are written `<app_id>` in a c1 template",
                "`:user_id`: placeholders are written `<user_id>` in a c1 template",
            ]
        );
        assert!(parse("/onboarding:ensure/a:b").is_ok());
        assert!(messages("/a?{page_size}")[0].contains("written `<page_size>`"));
        assert!(messages("/{a b}")[0].contains("'{' is not allowed"));
        assert!(messages("/w-{id}")[0].contains("written `<id>`"));
        assert!(messages("/}{id")[0].contains("'}' is not allowed"));
    }

    /// Every string over a small alphabet (ASCII delimiters, dots, braces
    /// and multi-byte chars) up to length 5 parses or fails without
    /// panicking, and error ranges are char-boundary slices of the input.
    #[test]
    fn never_panics() {
        let alphabet = [
            "/", "<", ">", "?", "&", "#", "a", "%", "é", "𝕏", "r#", "_", ".", "%2e", "{", "}", ":",
        ];
        let mut stack = vec![String::new()];
        while let Some(s) = stack.pop() {
            match parse(&s) {
                Ok(t) => {
                    for p in t.placeholders() {
                        assert!(s.get(p.range.clone()).is_some());
                    }
                }
                Err(errors) => {
                    for e in errors {
                        assert!(s.get(e.range.clone()).is_some(), "{s:?} {e:?}");
                    }
                }
            }
            if s.chars().count() < 5 {
                for a in alphabet {
                    stack.push(format!("{s}{a}"));
                }
            }
        }
    }
}
