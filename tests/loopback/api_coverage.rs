//! The whole API is declared, once: every operation of the checked-in list
//! (`tests/fixtures/api/operations.tsv`, which `c1-codegen --check` keeps equal
//! to the spec) has exactly one `#[c1_endpoint]` in `src/services/generated`,
//! with its method and template, and every schema
//! (`tests/fixtures/api/schemas.tsv`) exactly one type in `src/models/generated`.
//! Reads sources only: it holds for every feature set.

use std::collections::BTreeMap;
use std::path::Path;

fn read_dir(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn rows(file: &str) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn every_operation_has_exactly_one_endpoint() {
    // (method, template) -> how many `#[c1_endpoint]` declare it.
    let mut declared: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (_, text) in read_dir("src/services/generated") {
        for chunk in text.split("#[c1_endpoint(").skip(1) {
            let (method, rest) = chunk.split_once(' ').unwrap();
            let template = rest.strip_prefix('"').unwrap().split('"').next().unwrap();
            *declared
                .entry((method.to_owned(), template.to_owned()))
                .or_default() += 1;
        }
    }
    let ops = rows("tests/fixtures/api/operations.tsv");
    assert_eq!(ops.len(), 638, "the spec has 638 operations");
    for op in &ops {
        let key = (op[0].clone(), op[1].clone());
        assert_eq!(declared.get(&key), Some(&1), "{} {}", op[0], op[1]);
    }
    assert_eq!(declared.len(), ops.len(), "an endpoint no operation lists");
    let services: std::collections::BTreeSet<&str> = ops.iter().map(|o| o[2].as_str()).collect();
    assert_eq!(services.len(), 133);
}

#[test]
fn every_schema_has_exactly_one_type() {
    let mut declared: BTreeMap<String, usize> = BTreeMap::new();
    for (_, text) in read_dir("src/models/generated") {
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("pub struct ") {
                let name = rest.split([' ', '{']).next().unwrap();
                *declared.entry(name.to_owned()).or_default() += 1;
            }
        }
    }
    let schemas = rows("tests/fixtures/api/schemas.tsv");
    assert_eq!(schemas.len(), 1955, "the spec has 1,955 schemas");
    for s in &schemas {
        assert_eq!(declared.get(&s[1]), Some(&1), "{} as {}", s[0], s[1]);
    }
    assert_eq!(declared.len(), schemas.len(), "a struct no schema lists");
}
