//! c1-codegen: writes c1's models, services, features and the fake's catalog
//! from the ConductorOne OpenAPI (`../shared/conductorone/openapi.yaml`),
//! `overrides.toml` and `names.lock`. The output is checked in, so neither
//! users nor CI need the spec.
//!
//! ```text
//! cargo run -p c1-codegen             # regenerate
//! cargo run -p c1-codegen -- --check  # fail when the checked-in output is stale
//! ```
//!
//! Where the spec is missing (no `../shared`), it says so and exits 0.

mod calls;
mod fake;
mod families;
mod models;
mod names;
mod nesting;
mod overrides;
mod plan;
mod secrets;
mod services;
mod spec;
#[path = "../../c1-macros/src/template.rs"]
#[allow(dead_code)]
mod template;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let spec_path = std::env::var_os("C1_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/conductorone/openapi.yaml"));
    if !spec_path.exists() {
        println!("c1-codegen: skipped: {} not found", spec_path.display());
        return ExitCode::SUCCESS;
    }
    match run(&root, &spec_path, check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("c1-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Generates everything; writes it, or with `check` compares. `Ok(false)`: stale.
fn run(root: &Path, spec_path: &Path, check: bool) -> Result<bool, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let codegen = root.join("c1-codegen");
    let ov = overrides::parse(&read(&codegen.join("overrides.toml"))?)?;
    let lock_path = codegen.join("names.lock");
    let lock = names::parse_lock(&std::fs::read_to_string(&lock_path).unwrap_or_default());
    let spec = spec::load(&read(spec_path)?, &ov)?;
    let names = names::build(&spec, &ov, &lock)?;
    let mut plan = plan::build(&spec, &names);
    plan.secrets = secrets::find(&spec, &names, &ov)?;
    let roles = families::derive(&spec);

    // Path relative to the root -> contents; `dirs` are wholly generated.
    let mut out: BTreeMap<PathBuf, String> = BTreeMap::new();
    let dirs = [
        PathBuf::from("src/models/generated"),
        PathBuf::from("src/services/generated"),
    ];
    for (file, text) in models::emit(&spec, &names, &plan, &ov) {
        out.insert(dirs[0].join(file), rustfmt(&text)?);
    }
    for (file, text) in services::emit(&spec, &names, &plan, &ov)? {
        out.insert(dirs[1].join(file), rustfmt(&text)?);
    }
    out.insert(
        "c1-fake/src/catalog/generated.rs".into(),
        rustfmt(&fake::emit(&spec, &names, &roles))?,
    );
    out.insert("c1-codegen/names.lock".into(), names.lock_text(&spec));
    out.insert(
        "tests/fixtures/api/operations.tsv".into(),
        operations_tsv(&spec, &names),
    );
    out.insert(
        "tests/fixtures/api/schemas.tsv".into(),
        schemas_tsv(&spec, &names),
    );
    out.insert(
        "tests/fixtures/api/models.rs".into(),
        models_list(&spec, &names),
    );
    out.insert(
        "tests/fixtures/api/nesting.rs".into(),
        nesting::Graph::new(&spec).witnesses(&names, &model_keys(&spec)),
    );
    out.insert(
        "tests/fixtures/api/secrets.rs".into(),
        secrets_list(&spec, &names, &plan),
    );
    out.insert(
        "tests/fixtures/api/calls.rs".into(),
        calls::emit(&spec, &names),
    );
    let manifest = read(&root.join("Cargo.toml"))?;
    out.insert(
        "Cargo.toml".into(),
        splice_features(&manifest, &services::features(&plan))?,
    );

    let mut stale = Vec::new();
    for (path, text) in &out {
        if std::fs::read_to_string(root.join(path)).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.clone());
        }
    }
    let mut extra = Vec::new();
    for dir in &dirs {
        for entry in std::fs::read_dir(root.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = dir.join(entry.file_name());
            if !out.contains_key(&path) {
                extra.push(path);
            }
        }
    }
    let counts = format!(
        "{} operations, {} services, {} schemas, {} enums, {} pages",
        spec.operations.len(),
        plan.services.len(),
        spec.schemas.len(),
        names.enums.len(),
        plan.pages.len()
    );
    if check {
        for p in &stale {
            eprintln!("c1-codegen: stale: {}", p.display());
        }
        for p in &extra {
            eprintln!("c1-codegen: not generated: {}", p.display());
        }
        let fresh = stale.is_empty() && extra.is_empty();
        if fresh {
            println!("c1-codegen: up to date ({counts})");
        } else {
            eprintln!("c1-codegen: run `cargo run -p c1-codegen` and review the diff");
        }
        return Ok(fresh);
    }
    for dir in &dirs {
        std::fs::create_dir_all(root.join(dir)).map_err(|e| e.to_string())?;
    }
    std::fs::create_dir_all(root.join("tests/fixtures/api")).map_err(|e| e.to_string())?;
    for p in &stale {
        std::fs::write(root.join(p), &out[p]).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    for p in &extra {
        std::fs::remove_file(root.join(p)).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    println!(
        "c1-codegen: {counts}; {} files written, {} removed",
        stale.len(),
        extra.len()
    );
    Ok(true)
}

/// `method <tab> template <tab> service <tab> method name <tab> body type <tab> response type`.
fn operations_tsv(spec: &spec::Spec, names: &names::Names) -> String {
    let mut out = String::from("# @generated by c1-codegen: every operation, as c1 declares it.\n");
    for op in &spec.operations {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            op.method,
            services::dsl_template(op),
            op.service,
            names.methods[&op.id],
            op.body.as_ref().map_or("-", |b| names.types[b].as_str()),
            names.types[&op.response],
            names::kebab(&op.service),
        ));
    }
    out
}

/// `schema key <tab> type name`.
fn schemas_tsv(spec: &spec::Spec, names: &names::Names) -> String {
    let mut out =
        String::from("# @generated by c1-codegen: every schema and the type c1 gives it.\n");
    for key in spec.schemas.keys() {
        out.push_str(&format!("{key}\t{}\n", names.types[key]));
    }
    out
}

/// The schema keys of every request and response model.
fn model_keys(spec: &spec::Spec) -> std::collections::BTreeSet<&str> {
    let mut keys = std::collections::BTreeSet::new();
    for op in &spec.operations {
        keys.insert(op.response.as_str());
        keys.extend(op.body.as_deref());
    }
    keys
}

/// `models! { Type, ... }`: every request and response model, for tests/models_all.rs.
fn models_list(spec: &spec::Spec, names: &names::Names) -> String {
    let types: std::collections::BTreeSet<&str> = model_keys(spec)
        .into_iter()
        .map(|k| names.types[k].as_str())
        .collect();
    let mut out =
        String::from("// @generated by c1-codegen: every request and response model.\nmodels! {\n");
    for t in types {
        out.push_str(&format!("    {t},\n"));
    }
    out.push_str("}\n");
    out
}

/// `secrets! { Type.field, ... }`: every field redacted in `Debug`.
fn secrets_list(spec: &spec::Spec, names: &names::Names, plan: &plan::Plan) -> String {
    let mut lines: Vec<String> = plan
        .secrets
        .iter()
        .map(|(key, wire)| {
            let field = spec.schemas[key]
                .fields
                .iter()
                .find(|f| &f.wire == wire)
                .unwrap();
            format!(
                "    {}.{},\n",
                names.types[key],
                names::field_ident(&field.wire)
            )
        })
        .collect();
    lines.sort();
    let mut out = String::from(
        "// @generated by c1-codegen: every field whose value `Debug` redacts (a credential).\nsecrets! {\n",
    );
    out.extend(lines);
    out.push_str("}\n");
    out
}

/// Replaces the generated block of `[features]` in the root manifest.
fn splice_features(manifest: &str, block: &str) -> Result<String, String> {
    const BEGIN: &str = "# @generated by c1-codegen, begin";
    const END: &str = "# @generated by c1-codegen, end\n";
    let start = manifest
        .find(BEGIN)
        .ok_or("Cargo.toml: no generated features block")?;
    let end = manifest[start..]
        .find(END)
        .ok_or("Cargo.toml: unterminated features block")?;
    Ok(format!(
        "{}{block}{}",
        &manifest[..start],
        &manifest[start + end + END.len()..]
    ))
}

fn rustfmt(text: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().unwrap();
    let input = text.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    let _ = writer.join();
    if !output.status.success() {
        let err = String::from_utf8_lossy(&output.stderr);
        let head: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
        return Err(format!("rustfmt refused generated code ({head}...): {err}"));
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}
