//! Path templates and the matcher over them: `/api/v1/widgets/<widget_id>` (the DSL's syntax)
//! or `/api/v1/widgets/{widget_id}` (the spec's), matched segment by segment against a raw
//! request path. When several templates match, the most specific wins: the most literal
//! segments, then the leftmost literal.

/// One segment of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// A parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    text: String,
    segments: Vec<Segment>,
}

/// How specific a template is; a greater value wins.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Specificity {
    literals: usize,
    /// Per segment, whether it is a literal: `true` sorts after `false`, so the template
    /// whose first differing segment is literal wins.
    shape: Vec<bool>,
}

/// A path's decoded parameters, in template order.
pub(crate) type Params = Vec<(String, String)>;

impl Template {
    /// Parse a template; `<name>` and `{name}` are placeholders, anything else a literal.
    pub(crate) fn parse(text: &str) -> Result<Template, String> {
        let rest = text
            .strip_prefix('/')
            .ok_or_else(|| format!("template {text:?} must start with `/`"))?;
        let segments = rest
            .split('/')
            .map(|s| {
                let param = s
                    .strip_prefix('<')
                    .and_then(|p| p.strip_suffix('>'))
                    .or_else(|| s.strip_prefix('{').and_then(|p| p.strip_suffix('}')));
                match param {
                    Some("") => Err(format!("template {text:?} has an unnamed placeholder")),
                    Some(name) => Ok(Segment::Param(name.to_owned())),
                    None => Ok(Segment::Literal(s.to_owned())),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Template {
            text: text.to_owned(),
            segments,
        })
    }

    /// The template as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn specificity(&self) -> Specificity {
        let shape: Vec<bool> = self
            .segments
            .iter()
            .map(|s| matches!(s, Segment::Literal(_)))
            .collect();
        Specificity {
            literals: shape.iter().filter(|l| **l).count(),
            shape,
        }
    }

    /// The decoded parameters if `raw_path` (percent-encoded, no query) matches.
    /// A placeholder matches one non-empty segment; a literal matches itself, raw or decoded.
    pub(crate) fn matches(&self, raw_path: &str) -> Option<Params> {
        let rest = raw_path.strip_prefix('/')?;
        let mut raw = rest.split('/');
        let mut params = Vec::new();
        for segment in &self.segments {
            let got = raw.next()?;
            match segment {
                Segment::Literal(lit) => {
                    if got != lit && percent_decode(got).as_deref() != Some(lit.as_str()) {
                        return None;
                    }
                }
                Segment::Param(name) => {
                    let value = percent_decode(got).filter(|v| !v.is_empty())?;
                    params.push((name.clone(), value));
                }
            }
        }
        raw.next().is_none().then_some(params)
    }
}

/// The most specific of `candidates` that matches `raw_path`, with its parameters.
pub(crate) fn best_match<'t, T>(
    candidates: impl IntoIterator<Item = (&'t Template, T)>,
    raw_path: &str,
) -> Option<(T, Params)> {
    let mut best: Option<(Specificity, T, Params)> = None;
    for (template, item) in candidates {
        let Some(params) = template.matches(raw_path) else {
            continue;
        };
        let spec = template.specificity();
        if best.as_ref().is_none_or(|(b, _, _)| spec > *b) {
            best = Some((spec, item, params));
        }
    }
    best.map(|(_, item, params)| (item, params))
}

/// Decode `%XX` escapes (`+` stays `+`, as in a path); `None` for a bad escape or invalid UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Template {
        Template::parse(s).unwrap()
    }

    #[test]
    fn placeholders_in_either_syntax_bind_decoded_segments() {
        let p = t("/api/v1/apps/<app_id>/x/{id}").matches("/api/v1/apps/a%2Fb/x/c%20d");
        assert_eq!(
            p,
            Some(vec![
                ("app_id".to_owned(), "a/b".to_owned()),
                ("id".to_owned(), "c d".to_owned())
            ])
        );
        assert_eq!(t("/api/v1/apps/<id>").matches("/api/v1/apps/"), None);
        assert_eq!(t("/api/v1/apps/<id>").matches("/api/v1/apps/a/b"), None);
        assert_eq!(t("/api/v1/apps/<id>").matches("/api/v1/apps"), None);
        assert_eq!(t("/api/v1/apps/<id>").matches("/api/v1/apps/%zz"), None);
        assert_eq!(t("/api/v1/a+b").matches("/api/v1/a+b"), Some(vec![]));
        assert_eq!(
            t("/api/v1/o:ensure").matches("/api/v1/o%3Aensure"),
            Some(vec![])
        );
        assert!(Template::parse("api/v1").is_err());
        assert!(Template::parse("/api/<>").is_err());
    }

    #[test]
    fn the_most_specific_template_wins() {
        let ts = [
            t("/api/v1/apps/{app_id}/{id}"),
            t("/api/v1/apps/{id}/users"),
            t("/api/v1/apps/search/{id}"),
            t("/api/v1/apps/search/users"),
        ];
        let pick = |path: &str| {
            best_match(ts.iter().enumerate().map(|(i, t)| (t, i)), path).map(|(i, _)| i)
        };
        assert_eq!(pick("/api/v1/apps/search/users"), Some(3));
        // Two literals each: the leftmost literal (`search`) wins over `users`.
        assert_eq!(pick("/api/v1/apps/search/x"), Some(2));
        assert_eq!(pick("/api/v1/apps/a/users"), Some(1));
        assert_eq!(pick("/api/v1/apps/a/b"), Some(0));
        assert_eq!(pick("/api/v1/apps/a"), None);
        // Placeholder names differ per template at the same position.
        let (_, params) = best_match(ts.iter().map(|t| (t, ())), "/api/v1/apps/search/q").unwrap();
        assert_eq!(params, vec![("id".to_owned(), "q".to_owned())]);
    }
}
