//! The README's first command must work on a fresh machine: the examples run
//! offline against the embedded fake tenant when no credentials are set.
//!
//! `cargo test` builds the examples before it runs tests; this runs the built
//! binaries with the ConductorOne variables removed from their environment.

use std::path::PathBuf;
use std::process::Command;

/// `target/<profile>/examples/<name>`, next to this test's `deps/` folder.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>");
    let path = dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} is not built: run the examples test with `cargo test` (or build with --examples)",
        path.display()
    );
    path
}

fn run_offline(name: &str) -> (String, String) {
    let mut cmd = Command::new(example(name));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CONDUCTORONE_") {
            cmd.env_remove(key);
        }
    }
    let out = cmd.output().expect("the example runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{name} failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    (stdout, stderr)
}

#[test]
fn get_user_owner_runs_offline_against_the_fake() {
    let (stdout, stderr) = run_offline("get_user_owner");
    assert!(stderr.contains("embedded fake C1 tenant"), "{stderr}");
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("owner of connector conn-1 (app app-1) as owner: Ada Lovelace <ada@example.com>")
    );
    let json: serde_json::Value =
        serde_json::from_str(&lines.collect::<Vec<_>>().join("\n")).expect("pretty JSON follows");
    assert_eq!(json["connectorOwnerUser"]["user"]["id"], "user-1");
}

#[test]
fn manage_owners_runs_offline_against_the_fake() {
    let (stdout, _) = run_offline("manage_owners");
    for expected in [
        "created: Grace Hopper <grace@example.com> as owner",
        "fetched: Grace Hopper <grace@example.com> as owner",
        "deleted user-2 as owner",
        "after delete: GET /api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>: 404 Not Found",
        "2 owner(s) left",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

/// Built only with its services' features (CI builds it under `full`).
#[cfg(all(feature = "user", feature = "task-search"))]
#[test]
fn directory_and_tasks_runs_offline_against_the_fake() {
    let (stdout, stderr) = run_offline("directory_and_tasks");
    assert!(stderr.contains("embedded fake C1 tenant"), "{stderr}");
    let users = stdout
        .lines()
        .find_map(|l| l.strip_suffix(" users in all"))
        .unwrap_or_else(|| panic!("no user count in:\n{stdout}"));
    // The fake's default tenant: its four users (streams that follow several
    // pages are tests/loopback/streams.rs's) and its three open tasks.
    assert_eq!(users, "4", "{stdout}");
    assert!(
        stdout.contains("open task task-1: Grace requests GitHub Admins"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("open task ").count(), 3, "{stdout}");
}

/// Built only with the `webhooks` feature (CI builds it under `full`).
#[cfg(feature = "webhooks")]
#[test]
fn webhook_receiver_runs_offline_against_the_fake() {
    let (stdout, stderr) = run_offline("webhook_receiver");
    assert!(stderr.contains("embedded fake C1 tenant"), "{stderr}");
    for expected in [
        r#"policy approval step: Some(200), answer {"approve":{"comment":"task task-1 is within policy"},"version":"v1"}"#,
        "provision step: Some(202) (Accepted)",
        r#"provision step answered later: {"complete":{"comment":"account created for task task-1"},"version":"v1"}"#,
        "forged delivery: Some((Some(401), ",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}
