//! The docs of the generated models, in c1's own words: what a model is for
//! (the operations that take or answer it, or the fields that hold it), and
//! per field its meaning (read from its name), its type and units, and what
//! `None` means. Built from the spec's facts only (names, types, formats,
//! presence, read-only, deprecation); the spec's description sentences are
//! never used.

use crate::names::{Names, field_ident, snake};
use crate::requests::{MASK, Requests, Update};
use crate::spec::{Field, Schema, Spec, Ty};

/// The doc lines of a struct (without `///`).
pub fn model(s: &Schema, spec: &Spec, names: &Names, req: &Requests) -> Vec<String> {
    let ops = |list: Option<&Vec<usize>>| -> Vec<String> {
        list.into_iter()
            .flatten()
            .map(|&i| {
                let op = &spec.operations[i];
                format!(
                    "`{}::{}` (`{} {}`)",
                    op.service,
                    names.methods[&op.id],
                    op.method,
                    crate::services::dsl_template(op)
                )
            })
            .collect()
    };
    let mut first = Vec::new();
    let takes = ops(req.bodies.get(&s.key));
    if !takes.is_empty() {
        first.push(format!("The request body of {}.", list_of(&takes)));
    }
    let answers = ops(req.responses.get(&s.key));
    if !answers.is_empty() {
        first.push(format!("The answer of {}.", list_of(&answers)));
    }
    if first.is_empty() {
        first.push(match req.holders.get(&s.key) {
            Some(holders) => format!("Held by {}.", held_by(holders, names)),
            None => "A model no operation uses (compiled under `full` only).".to_owned(),
        });
    }
    let mut lines = vec![first.join(" ")];
    let mut more = Vec::new();
    if let Some(update) = req.updates.get(&s.key) {
        more.push(match update {
            Update::Object(wire) => format!(
                "An update: the server changes the fields of `{}` that `update_mask` names. \
                 [`changing`](Self::changing) names those set to `Some`, and so does c1 \
                 when it sends the body with `update_mask` left `None`.",
                field_ident(wire)
            ),
            Update::Flat => "An update: the server changes the fields that `update_mask` names; \
                 when it is left `None`, c1 sends the names of the fields set to `Some`."
                .to_owned(),
        });
    }
    if let Some(bodies) = req.masked.get(&s.key) {
        for body in bodies {
            if matches!(req.updates[body], Update::Object(_)) {
                more.push(format!(
                    "In `{}`, the fields set to `Some` are the ones an update changes \
                     (fields the server sets never are).",
                    names.types[body]
                ));
            }
        }
    }
    if !s.oneofs.is_empty() {
        let groups: Vec<String> = s
            .oneofs
            .iter()
            .map(|g| {
                let fields: Vec<String> =
                    g.iter().map(|w| format!("`{}`", field_ident(w))).collect();
                fields.join(", ")
            })
            .collect();
        more.push(match groups.as_slice() {
            [one] => format!("At most one of {one} may be set."),
            _ => format!(
                "At most one of each group may be set: {}.",
                groups.join("; ")
            ),
        });
    }
    if s.deprecated {
        more.push("Deprecated by the vendor.".to_owned());
    }
    if !more.is_empty() {
        lines.push(String::new());
        lines.push(more.join(" "));
    }
    lines
}

/// The doc line of an enum (without `///`).
pub fn enumeration(e: &crate::names::EnumDef, spec: &Spec, names: &Names) -> String {
    let sites: Vec<String> = e
        .sites
        .iter()
        .map(|site| match site.split_once('?') {
            Some((op, param)) => {
                let op = spec.operations.iter().find(|o| o.id == op).unwrap();
                format!(
                    "the `{param}` parameter of `{}::{}`",
                    op.service, names.methods[&op.id]
                )
            }
            None => {
                let (key, wire) = site.rsplit_once('.').unwrap();
                format!("`{}.{}`", names.types[key], field_ident(wire))
            }
        })
        .collect();
    format!(
        "An open enum of {} known values, the type of {}.",
        e.variants.len(),
        some_of(&sites)
    )
}

/// The doc line of a field (without `///`).
pub fn field(s: &Schema, f: &Field, names: &Names, req: &Requests) -> String {
    let mut out = String::new();
    if f.wire == MASK
        && let Some(update) = req.updates.get(&s.key)
    {
        let of = match update {
            Update::Object(wire) => format!(" of `{}`", field_ident(wire)),
            Update::Flat => String::new(),
        };
        return format!(
            "The fields{of} to change: their wire names, comma-separated \
             (`displayName,description`); a named field left `None` is cleared. \
             `None`: c1 sends the names of the fields{of} set to `Some` (no mask when \
             none is). On the wire: `{MASK}`."
        );
    }
    let (meaning, unit) = meaning(s, f);
    out.push_str(&meaning);
    if let Some(unit) = unit {
        out.push_str(", ");
        out.push_str(unit);
    }
    out.push_str(": ");
    out.push_str(&describe(&f.ty, names));
    out.push_str(". ");
    if f.read_only {
        out.push_str("Set by the server (leave it `None` in a request). ");
    }
    out.push_str(&none(s, f, names, req));
    out.push_str(&format!(" On the wire: `{}`.", f.wire));
    if f.deprecated {
        out.push_str(" Deprecated by the vendor.");
    }
    out
}

/// What `None` means: the zero value where protobuf has no presence for the
/// field (a scalar the spec does not let be `null`, a list, a map), else
/// absence, said for the side of the API the model is on.
fn none(s: &Schema, f: &Field, names: &Names, req: &Requests) -> String {
    match f.wire.as_str() {
        "pageSize" if matches!(f.ty, Ty::I32 | Ty::U32) => {
            return "`None`: the server's default, 25.".into();
        }
        "pageToken" if f.ty == Ty::String => return "`None`: the first page.".into(),
        "nextPageToken" if f.ty == Ty::String => {
            return "`None` or empty on the last page.".into();
        }
        _ => {}
    }
    let zero = match &f.ty {
        Ty::Array(_) | Ty::Map(_) => Some("empty".to_owned()),
        _ if f.nullable => None,
        Ty::Bool => Some("`false`".to_owned()),
        Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64 | Ty::F64 => Some("0".to_owned()),
        Ty::String | Ty::Bytes => Some("empty".to_owned()),
        Ty::Enum(values) => {
            let e = names.enum_of(values);
            let (wire, variant) = &e.variants[0];
            (wire.ends_with("UNSPECIFIED") || wire.ends_with("UNKNOWN"))
                .then(|| format!("[`{}::{variant}`]", e.name))
        }
        _ => None,
    };
    if let Some(zero) = zero {
        return format!("`None` counts as {zero}.");
    }
    let presence = if matches!(f.ty, Ty::Bool) {
        " (which differs from `false`)"
    } else {
        ""
    };
    match (req.built.contains(&s.key), req.answered.contains(&s.key)) {
        (true, false) => format!("`None` leaves it out{presence}."),
        (false, true) => format!("`None` when the answer has none{presence}."),
        _ => format!("`None`: not set{presence}."),
    }
}

/// The meaning of a field, read from its name, and its unit.
fn meaning(s: &Schema, f: &Field) -> (String, Option<&'static str>) {
    let mut words: Vec<String> = snake(&f.wire).split('_').map(str::to_owned).collect();
    match f.wire.as_str() {
        "pageSize" if matches!(f.ty, Ty::I32 | Ty::U32) => {
            return (
                "How many items a page holds (the server takes 10 to 100)".into(),
                None,
            );
        }
        "pageToken" if f.ty == Ty::String => {
            return (
                "Where a listing resumes (the `next_page_token` of the page before)".into(),
                None,
            );
        }
        "nextPageToken" if f.ty == Ty::String => {
            return (
                "Where the next page starts (the next request's page token)".into(),
                None,
            );
        }
        "query" if f.ty == Ty::String => return ("The text to search for".into(), None),
        _ => {}
    }
    let numeric = matches!(f.ty, Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64 | Ty::F64);
    let mut unit = None;
    if numeric && words.len() > 1 {
        unit = match words.last().unwrap().as_str() {
            "seconds" | "secs" | "sec" => Some("in seconds"),
            "minutes" | "mins" => Some("in minutes"),
            "hours" => Some("in hours"),
            "days" => Some("in days"),
            "weeks" => Some("in weeks"),
            "ms" | "millis" | "milliseconds" => Some("in milliseconds"),
            "bytes" => Some("in bytes"),
            "usd" => Some("in US dollars"),
            "percent" | "pct" | "percentage" => Some("in percent"),
            _ => None,
        };
        if unit.is_some() {
            words.pop();
        }
    }
    let last = words.last().unwrap().clone();
    let rest = |n: usize| phrase(&words[..words.len() - n]);
    let text = match (&f.ty, last.as_str()) {
        (Ty::String, "id") if words.len() == 1 => {
            if s.short.ends_with("Request") || s.short.ends_with("Response") {
                "The id".to_owned()
            } else {
                format!("The id of this {}", phrase(&split(&s.short)))
            }
        }
        (Ty::String, "id") => format!("The id of the {}", rest(1)),
        (Ty::Array(t), "ids") if **t == Ty::String && words.len() > 1 => {
            let before = words[words.len() - 2].as_str();
            if matches!(before, "in" | "on" | "of" | "by" | "for" | "to" | "with") {
                format!("The {} ids", rest(1))
            } else if matches!(words[0].as_str(), "exclude" | "excluded") {
                match words.len() {
                    2 => "The ids to leave out".to_owned(),
                    _ => format!(
                        "The ids of the {} to leave out",
                        plural(&phrase(&words[1..words.len() - 1]))
                    ),
                }
            } else {
                format!("The ids of the {}", plural(&rest(1)))
            }
        }
        (Ty::Ref(_), "ref") if words.len() > 1 => format!("A reference to the {}", rest(1)),
        (Ty::Array(t), "refs") if matches!(**t, Ty::Ref(_)) && words.len() > 1 => {
            format!("References to the {}", plural(&rest(1)))
        }
        (Ty::DateTime, bound @ ("after" | "before" | "since" | "until")) if words.len() > 1 => {
            if words[words.len() - 2].ends_with("ed") {
                format!("Only what was {} {bound} this time", rest(1))
            } else {
                format!("A bound on the {} time: {bound} it", rest(1))
            }
        }
        (Ty::DateTime, "at") if words.len() > 1 => {
            let before = &words[words.len() - 2];
            if before.ends_with("ed") {
                format!("When it was {}", rest(1))
            } else if words.len() == 2 && before.ends_with('s') {
                format!("When it {before}")
            } else {
                format!("The time of {}", rest(1))
            }
        }
        (Ty::Bool, _) => switch(&words),
        _ => format!("The {}", phrase(&words)),
    };
    (text, unit)
}

/// What a boolean field turns on, from its name.
fn switch(words: &[String]) -> String {
    const VERBS: &[&str] = &[
        "allow", "require", "include", "exclude", "skip", "use", "ignore", "override", "hide",
        "show", "enable", "disable", "send", "notify", "emit", "auto", "force", "keep", "reset",
        "only", "create", "delete", "revoke", "sync", "block", "prevent", "remove", "return",
        "validate", "verify", "refresh", "match",
    ];
    let all = phrase(words);
    match (
        words.first().map(String::as_str),
        words.last().map(String::as_str),
    ) {
        _ if words.len() == 1 && matches!(words[0].as_str(), "enabled" | "disabled") => {
            format!("Whether it is {all}")
        }
        (_, Some(state @ ("enabled" | "disabled"))) => {
            format!("Whether {} is {state}", phrase(&words[..words.len() - 1]))
        }
        (Some("is"), _) if words.len() > 1 => format!("Whether it is {}", phrase(&words[1..])),
        (Some("has"), _) if words.len() > 1 => format!("Whether it has {}", phrase(&words[1..])),
        (Some("can"), _) if words.len() > 1 => format!("Whether it can {}", phrase(&words[1..])),
        (Some(state), _)
            if words.len() == 1 && (state.ends_with("able") || state.ends_with("ible")) =>
        {
            format!("Whether it is {state}")
        }
        (Some(verb), _) if VERBS.contains(&verb) => format!("Whether to {all}"),
        (_, Some(state)) if state.ends_with("ed") => match words.len() {
            1 => format!("Whether it is {state}"),
            n => format!("Whether {} is {state}", phrase(&words[..n - 1])),
        },
        _ => format!("The {all} switch"),
    }
}

/// Words of a name, lower case, with the usual initialisms in capitals.
fn phrase(words: &[String]) -> String {
    let out: Vec<String> = words
        .iter()
        .map(|w| {
            match w.as_str() {
                "id" => "id",
                "a2ui" => "A2UI",
                "url" => "URL",
                "urls" => "URLs",
                "uri" => "URI",
                "uris" => "URIs",
                "cel" => "CEL",
                "api" => "API",
                "sso" => "SSO",
                "saml" => "SAML",
                "oidc" => "OIDC",
                "oauth" => "OAuth",
                "oauth2" => "OAuth 2",
                "jwt" => "JWT",
                "jwks" => "JWKS",
                "mcp" => "MCP",
                "ip" => "IP",
                "json" => "JSON",
                "xml" => "XML",
                "html" => "HTML",
                "http" => "HTTP",
                "https" => "HTTPS",
                "scim" => "SCIM",
                "mfa" => "MFA",
                "aws" => "AWS",
                "gcp" => "GCP",
                "llm" => "LLM",
                "ai" => "AI",
                "ui" => "UI",
                "dns" => "DNS",
                "tls" => "TLS",
                "pem" => "PEM",
                "acs" => "ACS",
                "ssf" => "SSF",
                "xaa" => "XAA",
                "usd" => "USD",
                "nhi" => "NHI",
                other => other,
            }
            .to_owned()
        })
        .collect();
    out.join(" ")
}

/// `AppEntitlement` -> `app`, `entitlement`; `MCPServerView` -> `mcp`, `server`, `view`.
fn split(name: &str) -> Vec<String> {
    snake(name).split('_').map(str::to_owned).collect()
}

fn plural(phrase: &str) -> String {
    if phrase.ends_with('s') || phrase.ends_with('x') || phrase.ends_with("ch") {
        format!("{phrase}es")
    } else if phrase.ends_with('y')
        && !phrase.ends_with("ay")
        && !phrase.ends_with("ey")
        && !phrase.ends_with("oy")
    {
        format!("{}ies", &phrase[..phrase.len() - 1])
    } else {
        format!("{phrase}s")
    }
}

/// The type of a field, as a noun phrase.
fn describe(ty: &Ty, names: &Names) -> String {
    match ty {
        Ty::Bool => "a boolean".into(),
        Ty::I32 | Ty::U32 => "a whole number".into(),
        Ty::F64 => "a number".into(),
        Ty::I64 | Ty::U64 => "a 64-bit whole number (a string on the wire)".into(),
        Ty::String => "text".into(),
        Ty::Bytes => "base64 text".into(),
        Ty::DateTime => "a timestamp (RFC 3339 on the wire)".into(),
        Ty::Duration => "a duration (seconds on the wire: `\"3600s\"`)".into(),
        Ty::Enum(v) => format!("one of [`{}`]", names.enum_of(v).name),
        Ty::Object => "a free-form JSON object".into(),
        Ty::Empty => "an empty JSON object, whose presence is the value".into(),
        Ty::Value => "any JSON value".into(),
        Ty::Ref(r) => {
            let name = &names.types[r];
            let article = if name.starts_with(['A', 'E', 'I', 'O']) {
                "an"
            } else {
                "a"
            };
            format!("{article} [`{name}`]")
        }
        Ty::Array(t) => format!("a list of {}", items(t, names)),
        Ty::Map(t) => format!("a map from text to {}", items(t, names)),
    }
}

/// The items of a list or map, as a plural noun phrase.
fn items(ty: &Ty, names: &Names) -> String {
    match ty {
        Ty::Bool => "booleans".into(),
        Ty::I32 | Ty::U32 => "whole numbers".into(),
        Ty::F64 => "numbers".into(),
        Ty::I64 | Ty::U64 => "64-bit whole numbers (strings on the wire)".into(),
        Ty::String => "text".into(),
        Ty::Bytes => "base64 texts".into(),
        Ty::DateTime => "timestamps (RFC 3339 on the wire)".into(),
        Ty::Duration => "durations (seconds on the wire: `\"3600s\"`)".into(),
        Ty::Enum(v) => format!("[`{}`] values", names.enum_of(v).name),
        Ty::Object => "free-form JSON objects".into(),
        Ty::Empty => "empty JSON objects".into(),
        Ty::Value => "JSON values".into(),
        Ty::Ref(r) => format!("[`{}`]s", names.types[r]),
        Ty::Array(t) => format!("lists of {}", items(t, names)),
        Ty::Map(t) => format!("maps from text to {}", items(t, names)),
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn list_of(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// At most three of `items`, then how many more.
fn some_of(items: &[String]) -> String {
    if items.len() <= 3 {
        list_of(items)
    } else {
        format!("{} and {} more", items[..3].join(", "), items.len() - 3)
    }
}

fn held_by(holders: &[(String, String)], names: &Names) -> String {
    let fields: Vec<String> = holders
        .iter()
        .map(|(key, wire)| format!("`{}.{}`", names.types[key], field_ident(wire)))
        .collect();
    some_of(&fields)
}
