//! Every request and response model of the API against its fixture
//! (`tests/fixtures/models/<Type>.json`, written by `scripts/gen_fixtures.py
//! --models`): the fullest instance and the unknown-enum instance decode and
//! encode back to equal JSON, and the all-`null` instance decodes as all
//! absent (`{}`).

#![cfg(feature = "full")]

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

type RoundTrip = fn(&Value) -> Result<Value, String>;

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&decoded).map_err(|e| e.to_string())
}

macro_rules! models {
    ($($t:ident,)+) => {
        /// Every model, by type name.
        const MODELS: &[(&str, RoundTrip)] = &[$((stringify!($t), round_trip::<c1::models::$t>),)+];
    };
}
include!("fixtures/api/models.rs");

fn fixtures() -> impl Iterator<Item = (String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models");
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("tests/fixtures/models exists")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries.into_iter().map(|path| {
        let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        (
            name,
            serde_json::from_str(&text).expect("a fixture is JSON"),
        )
    })
}

#[test]
fn every_model_has_a_fixture_and_every_fixture_a_model() {
    let models: BTreeSet<&str> = MODELS.iter().map(|(n, _)| *n).collect();
    let files: BTreeSet<String> = fixtures().map(|(n, _)| n).collect();
    let files: BTreeSet<&str> = files.iter().map(String::as_str).collect();
    assert_eq!(models, files);
    assert!(models.len() > 1000, "{} models", models.len());
}

#[test]
fn every_instance_round_trips() {
    let mut failures = Vec::new();
    let (mut unknown, mut checked) = (0, 0);
    for (name, fixture) in fixtures() {
        let Some((_, trip)) = MODELS.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let mut check = |kind: &str, input: &Value, expected: &Value| {
            checked += 1;
            match trip(input) {
                Ok(out) if &out == expected => {}
                Ok(out) => failures.push(format!("{name} {kind}: encodes as {out}")),
                Err(e) => failures.push(format!("{name} {kind}: {e}")),
            }
        };
        let full = &fixture["full"];
        assert!(full.is_object(), "{name}: no full instance");
        check("full", full, full);
        check("nulls", &fixture["nulls"], &json!({}));
        if let Some(u) = fixture.get("unknown") {
            unknown += 1;
            check("unknown", u, u);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(unknown > 100, "only {unknown} fixtures hold an enum");
}

#[test]
fn an_unknown_enum_value_is_kept() {
    let text = r#"{"userView": {"user": {"status": "STATUS_FROM_THE_FUTURE", "type": "USER_TYPE_HUMAN"}}}"#;
    let decoded: c1::models::UserServiceGetResponse = serde_json::from_str(text).unwrap();
    let user = decoded
        .user_view
        .as_ref()
        .and_then(|v| v.user.as_ref())
        .unwrap();
    assert_eq!(
        user.status,
        Some(c1::models::UserStatus::Other(
            "STATUS_FROM_THE_FUTURE".into()
        ))
    );
    assert_eq!(user.r#type, Some(c1::models::UserType::Human));
}
