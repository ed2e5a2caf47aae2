//! `overrides.toml`: what the spec does not say and c1 decides, reviewed.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    /// operationId -> method name, where the snake_cased operation name is
    /// not the name c1 ships.
    #[serde(default)]
    pub operation_names: BTreeMap<String, String>,
    /// Inline enums: `<Schema short name>.<field>` -> type name, where the
    /// generated name would not be the one c1 ships.
    #[serde(default)]
    pub enum_names: BTreeMap<String, String>,
    /// GET lists that answer `nextPageToken` but declare no page parameters.
    #[serde(default)]
    pub page_params: Vec<String>,
    /// POST operations that only read (searches, lists, gets): retried like
    /// GET. operationId -> why a repeat changes nothing (reviewed per entry).
    #[serde(default)]
    pub idempotent: BTreeMap<String, String>,
    /// Types with hand-written extensions (constructors): the generator emits
    /// a `cfg_<snake>!` macro that enables an item exactly when the type exists.
    #[serde(default)]
    pub extended: Vec<String>,
    /// Services also implemented on `Client` itself (the shape c1 shipped first).
    #[serde(default)]
    pub on_client: Vec<String>,
    /// `<Type>.<wireField>` holding a credential that the name rule misses
    /// (`secrets.rs`): redacted in `Debug`.
    #[serde(default)]
    pub secret: Vec<String>,
    /// `<Type>.<wireField>` that the name rule matches but holds no credential.
    #[serde(default)]
    pub not_secret: Vec<String>,
    /// Feature -> schemas (or packages, ending in `.`) no operation uses
    /// that the feature compiles, with their closure.
    #[serde(default)]
    pub feature_schemas: BTreeMap<String, Vec<String>>,
    /// Feature -> what it enables besides its service (`"c1-runtime/x"`).
    #[serde(default)]
    pub feature_deps: BTreeMap<String, Vec<String>>,
}

pub fn parse(text: &str) -> Result<Overrides, String> {
    toml::from_str(text).map_err(|e| format!("overrides.toml: {e}"))
}

/// The schema keys of `feature_schemas`, each entry resolved against
/// `keys`: a key itself, or a package (ending in `.`) naming every key in
/// it. An entry that names nothing is an error.
pub fn feature_schemas<'a>(
    ov: &Overrides,
    keys: impl Iterator<Item = &'a String> + Clone,
) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut out = BTreeMap::new();
    for (feature, entries) in &ov.feature_schemas {
        let mut roots: Vec<String> = Vec::new();
        for entry in entries {
            let before = roots.len();
            roots.extend(
                keys.clone()
                    .filter(|k| match entry.ends_with('.') {
                        true => k.starts_with(entry.as_str()),
                        false => *k == entry,
                    })
                    .cloned(),
            );
            if roots.len() == before {
                return Err(format!(
                    "overrides.toml: feature_schemas.{feature}: `{entry}` names no schema"
                ));
            }
        }
        out.insert(feature.clone(), roots);
    }
    Ok(out)
}
