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
}

pub fn parse(text: &str) -> Result<Overrides, String> {
    toml::from_str(text).map_err(|e| format!("overrides.toml: {e}"))
}
