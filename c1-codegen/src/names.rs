//! Every Rust name the generator gives: types, enums, variants, fields,
//! methods, modules and features. Deterministic, and pinned by `names.lock`
//! so that a change of the spec never renames what c1 already ships without
//! a reviewed diff of the lock.

use std::collections::{BTreeMap, BTreeSet};

use crate::overrides::Overrides;
use crate::spec::{Spec, Ty};

/// One open enum type, shared by every field with the same values.
#[derive(Debug)]
pub struct EnumDef {
    pub name: String,
    /// (wire value, variant name), in spec order.
    pub variants: Vec<(String, String)>,
    /// Where it is used: `<schema key>.<field>` or `<op id>?<param>`, sorted.
    pub sites: Vec<String>,
}

pub struct Names {
    /// Schema key -> type name.
    pub types: BTreeMap<String, String>,
    /// The enums, sorted by name.
    pub enums: Vec<EnumDef>,
    /// Enum values -> index in `enums`.
    pub enum_by_values: BTreeMap<Vec<String>, usize>,
    /// Operation id -> method name.
    pub methods: BTreeMap<String, String>,
}

type R<T> = Result<T, String>;

/// The lock: `kind key name` lines.
pub fn parse_lock(text: &str) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        if let (Some(kind), Some(key), Some(name)) = (parts.next(), parts.next(), parts.next()) {
            out.insert((kind.to_owned(), key.to_owned()), name.to_owned());
        }
    }
    out
}

pub fn build(spec: &Spec, ov: &Overrides, lock: &BTreeMap<(String, String), String>) -> R<Names> {
    let locked = |kind: &str, key: &str| lock.get(&(kind.to_owned(), key.to_owned())).cloned();
    // Schemas: the vendor's short name; on a clash the `...Input` variant is suffixed.
    let mut types = BTreeMap::new();
    let mut by_short: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in spec.schemas.values() {
        by_short.entry(&s.short).or_default().push(&s.key);
    }
    for s in spec.schemas.values() {
        let name = locked("schema", &s.key).unwrap_or_else(|| {
            if by_short[s.short.as_str()].len() > 1 && s.key.ends_with("Input") {
                format!("{}Input", s.short)
            } else {
                s.short.clone()
            }
        });
        types.insert(s.key.clone(), name);
    }
    unique(types.values(), "type")?;
    let taken: BTreeSet<String> = types.values().cloned().collect();

    // Enums: one per distinct value list.
    let mut sites: BTreeMap<Vec<String>, Vec<(String, String)>> = BTreeMap::new();
    for s in spec.schemas.values() {
        for f in &s.fields {
            if let Some(values) = enum_values(&f.ty) {
                let candidate = format!("{}{}", s.short, pascal(&f.wire));
                let site = format!("{}.{}", s.key, f.wire);
                let over = ov
                    .enum_names
                    .get(&format!("{}.{}", s.short, f.wire))
                    .cloned();
                sites
                    .entry(values.clone())
                    .or_default()
                    .push((site, over.unwrap_or(candidate)));
            }
        }
    }
    for op in &spec.operations {
        for q in &op.query {
            if let Some(values) = enum_values(&q.ty) {
                let candidate = format!("{}{}", op.short, pascal(&camel_of_snake(&q.name)));
                sites
                    .entry(values.clone())
                    .or_default()
                    .push((format!("{}?{}", op.id, q.name), candidate));
            }
        }
    }
    let mut enums = Vec::new();
    let mut enum_names = taken.clone();
    for (values, mut at) in sites {
        at.sort();
        let first = at[0].0.clone();
        let name = match locked("enum", &first) {
            Some(n) => n,
            None => {
                let overridden: Vec<&String> = at
                    .iter()
                    .filter(|(site, _)| is_override(ov, site, spec))
                    .map(|(_, n)| n)
                    .collect();
                let mut name = match overridden.first() {
                    Some(n) => (*n).clone(),
                    None => at
                        .iter()
                        .map(|(_, n)| n.clone())
                        .min_by_key(|n| (n.len(), n.clone()))
                        .unwrap(),
                };
                while enum_names.contains(&name) {
                    name.push_str("Enum");
                }
                name
            }
        };
        if !enum_names.insert(name.clone()) {
            return Err(format!("two types are named {name}"));
        }
        enums.push(EnumDef {
            name,
            variants: variants(&values),
            sites: at.into_iter().map(|(s, _)| s).collect(),
        });
    }
    enums.sort_by(|a, b| a.name.cmp(&b.name));
    let enum_by_values = enums
        .iter()
        .enumerate()
        .map(|(i, e)| (e.variants.iter().map(|(w, _)| w.clone()).collect(), i))
        .collect();

    let mut methods = BTreeMap::new();
    let mut per_service: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for op in &spec.operations {
        let name = ov
            .operation_names
            .get(&op.id)
            .cloned()
            .or_else(|| locked("op", &op.id).map(|n| n.split("::").nth(1).unwrap_or(&n).to_owned()))
            .unwrap_or_else(|| snake(&op.short));
        if !per_service
            .entry(&op.service)
            .or_default()
            .insert(name.clone())
        {
            return Err(format!("{}: two operations named {name}", op.service));
        }
        methods.insert(op.id.clone(), name);
    }
    Ok(Names {
        types,
        enums,
        enum_by_values,
        methods,
    })
}

fn is_override(ov: &Overrides, site: &str, spec: &Spec) -> bool {
    let Some((key, field)) = site.rsplit_once('.') else {
        return false;
    };
    spec.schemas
        .get(key)
        .is_some_and(|s| ov.enum_names.contains_key(&format!("{}.{field}", s.short)))
}

fn unique<'a>(names: impl Iterator<Item = &'a String>, what: &str) -> R<()> {
    let mut seen = BTreeSet::new();
    for n in names {
        if !seen.insert(n) {
            return Err(format!("two {what}s are named {n}"));
        }
    }
    Ok(())
}

pub fn enum_values(ty: &Ty) -> Option<&Vec<String>> {
    match ty {
        Ty::Enum(v) => Some(v),
        Ty::Array(t) | Ty::Map(t) => enum_values(t),
        _ => None,
    }
}

/// Variant names: the values without their common `WORD_` prefix, in PascalCase.
fn variants(values: &[String]) -> Vec<(String, String)> {
    let words: Vec<Vec<&str>> = values.iter().map(|v| v.split('_').collect()).collect();
    let mut common = 0;
    if values.len() > 1 {
        let shortest = words.iter().map(Vec::len).min().unwrap_or(0);
        while common + 1 < shortest && words.iter().all(|w| w[common] == words[0][common]) {
            common += 1;
        }
    }
    let make = |common: usize| -> Vec<String> {
        words
            .iter()
            .map(|w| {
                let mut name: String = w[common..].iter().map(|word| title(word)).collect();
                if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                    name.insert(0, 'V');
                }
                if name == "Other" || name == "Self" {
                    name.push_str("Value");
                }
                name
            })
            .collect()
    };
    let mut names = make(common);
    let distinct: BTreeSet<&String> = names.iter().collect();
    if distinct.len() != names.len() {
        names = make(0);
    }
    values.iter().cloned().zip(names).collect()
}

fn title(word: &str) -> String {
    let mut out = String::new();
    for (i, c) in word.chars().filter(char::is_ascii_alphanumeric).enumerate() {
        if i == 0 {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// `camelCase` or `PascalCase` -> `snake_case`; `A2UI` -> `a2ui`, `s3Bucket` -> `s3_bucket`.
pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let split = prev.is_ascii_lowercase()
                || (prev.is_ascii_digit()
                    && (next_lower || (i >= 2 && chars[i - 2].is_ascii_lowercase())))
                || (prev.is_ascii_uppercase() && next_lower);
            if split && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

pub fn kebab(name: &str) -> String {
    snake(name).replace('_', "-")
}

pub fn pascal(name: &str) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// `app_id` -> `appId`.
pub fn camel_of_snake(name: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in name.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// The Rust identifier of a wire field name: snake_case, `r#` for keywords,
/// `_` appended for the names `r#` cannot take (`self`, `crate`, ...).
pub fn field_ident(wire: &str) -> String {
    let s = snake(wire);
    if ["self", "crate", "super", "Self"].contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// What serde's `rename_all = "camelCase"` makes of a field identifier.
pub fn serde_camel(ident: &str) -> String {
    let ident = ident.strip_prefix("r#").unwrap_or(ident);
    let mut out = String::new();
    let mut up = false;
    for (i, c) in ident.chars().enumerate() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else if i == 0 {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl Names {
    pub fn lock_text(&self, spec: &Spec) -> String {
        let mut out = String::from(
            "# c1-codegen names lock: every name c1 gives the spec's schemas, inline enums and\n\
             # operations. The generator keeps a locked name even when its rules would now pick\n\
             # another, so a rename is a reviewed change of this file. Written by\n\
             # `cargo run -p c1-codegen`; `--check` fails when it is stale.\n",
        );
        for (key, name) in &self.types {
            out.push_str(&format!("schema {key} {name}\n"));
        }
        let mut enums: Vec<(&String, &String)> =
            self.enums.iter().map(|e| (&e.sites[0], &e.name)).collect();
        enums.sort();
        for (site, name) in enums {
            out.push_str(&format!("enum {site} {name}\n"));
        }
        for op in &spec.operations {
            out.push_str(&format!(
                "op {} {}::{}\n",
                op.id, op.service, self.methods[&op.id]
            ));
        }
        out
    }

    pub fn enum_of(&self, values: &[String]) -> &EnumDef {
        &self.enums[self.enum_by_values[values]]
    }
}

/// The module a schema (by key) or an operation (by id) belongs to: its
/// proto package, without the `c1.api.` prefix and the `v1` version, in
/// snake case: `c1.api.app.v1.App` -> `app`, `c1.api.app.v2.AppOwnerUser`
/// -> `app_v2`, `c1.api.integration.connector.v1.ConfigSchema` ->
/// `integration_connector`, `c1.webhooks.v1.Body` -> `c1_webhooks`,
/// `validate.FieldRules` -> `validate`. It depends on the name alone, so a
/// model stays in its file whoever uses it.
pub fn package(key: &str) -> String {
    let segments: Vec<&str> = key
        .split('.')
        .take_while(|s| !s.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect();
    let segments = match segments.as_slice() {
        ["c1", "api", rest @ ..] => rest,
        all => all,
    };
    let name = segments
        .iter()
        .filter(|s| **s != "v1")
        .map(|s| snake(s))
        .collect::<Vec<_>>()
        .join("_");
    assert!(
        !name.is_empty() && !KEYWORDS.contains(&name.as_str()),
        "{key}: no package name ({name:?})"
    );
    name
}
