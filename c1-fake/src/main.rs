//! `c1-fake` binary: run a fake ConductorOne tenant on loopback until Ctrl-C.
//!
//! ```text
//! cargo run -p c1-fake -- [--port 8080] [--seed seed.json] [--token TOKEN] [--token-lifetime SECS] [--nulls] [--strict]
//! ```

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use c1_fake::FakeC1;

const USAGE: &str = "\
usage: c1-fake [--port PORT] [--seed FILE] [--token TOKEN] [--token-lifetime SECS] [--nulls] [--strict]

Serves a fake ConductorOne tenant on http://127.0.0.1:PORT until Ctrl-C. Prints client
credentials, a bearer token, and a workload federation sign-in (a trust's client ID and an
OIDC token valid for 1 hour).
  --port PORT            port on 127.0.0.1 (default 0: an ephemeral port)
  --seed FILE            JSON seed replacing the built-in one (users, appEntitlements, connectors, owners)
  --token TOKEN          static bearer token to accept (default: a random one, printed)
  --token-lifetime SECS  lifetime of issued access tokens (default 600)
  --nulls                answer null for every unset field, as the real service often does
  --strict               refuse request body fields and query parameters an operation does not have
  -h, --help             show this help";

/// The lifetime of the OIDC token printed for a federation sign-in: longer than a CI
/// platform's few minutes, so it can be pasted into a shell and used for a while.
const PRINTED_OIDC_TOKEN_LIFETIME_SECS: i64 = 3600;

/// Parsed command line.
struct Args {
    port: u16,
    seed: Option<String>,
    token: Option<String>,
    token_lifetime: Option<u64>,
    nulls: bool,
    strict: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut out = Args {
        port: 0,
        seed: None,
        token: None,
        token_lifetime: None,
        nulls: false,
        strict: false,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs {what}"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" | "-p" => {
                let v = value("a port")?;
                out.port = v.parse().map_err(|_| format!("invalid port {v:?}"))?;
            }
            "--nulls" => out.nulls = true,
            "--strict" => out.strict = true,
            "--seed" => out.seed = Some(value("a file")?),
            "--token" => out.token = Some(value("a token")?),
            "--token-lifetime" => {
                let v = value("a number of seconds")?;
                out.token_lifetime =
                    Some(v.parse().map_err(|_| format!("invalid lifetime {v:?}"))?);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(out))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("c1-fake: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = FakeC1::builder()
        .port(args.port)
        .nulls(args.nulls)
        .strict(args.strict);
    if let Some(seed) = args.seed {
        builder = builder.seed_file(seed);
    }
    if let Some(secs) = args.token_lifetime {
        builder = builder.token_lifetime(Duration::from_secs(secs));
    }
    let fake = match builder.try_start().await {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("c1-fake: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let token = args.token.unwrap_or_else(|| {
        let bytes: [u8; 16] = rand::random();
        format!(
            "fake-static-{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        )
    });
    fake.add_bearer_token(&token);
    let creds = fake.credentials();
    // These are throwaway test credentials for a loopback fake: printing them is the point.
    println!("c1-fake serving a fake ConductorOne tenant (Ctrl-C to stop)");
    println!();
    println!("base URL:       {}", fake.base_url());
    println!("token URL:      {}/auth/v1/token", fake.base_url());
    println!("client ID:      {}", creds.client_id);
    println!("client secret:  {}", creds.client_secret);
    println!("bearer token:   {token}");
    println!();
    println!("export CONDUCTORONE_SERVER_URL='{}'", fake.base_url());
    println!("export CONDUCTORONE_CLIENT_ID='{}'", creds.client_id);
    println!(
        "export CONDUCTORONE_CLIENT_SECRET='{}'",
        creds.client_secret
    );
    println!();
    println!(
        "try: curl -H 'Authorization: Bearer {token}' {}/api/v2/apps/app-1/connectors/conn-1/owners/users/owner/user-1",
        fake.base_url()
    );
    print_federation(&fake);
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("c1-fake: cannot wait for Ctrl-C: {e}");
    }
    println!("\nc1-fake: shutting down");
    fake.shutdown().await;
    ExitCode::SUCCESS
}

/// Register a federation trust with no required claims and print a sign-in with it: the
/// trust's client ID and an OIDC token from the fake's issuer, valid for 1 hour.
fn print_federation(fake: &FakeC1) {
    let client_id = fake.add_federation_trust(serde_json::json!({}));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let exp = now + PRINTED_OIDC_TOKEN_LIFETIME_SECS;
    let token = fake.oidc_token(serde_json::json!({ "iat": now, "nbf": now, "exp": exp }));
    let expires = time::OffsetDateTime::from_unix_timestamp(exp)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("Unix time {exp}"));
    println!();
    println!("workload federation (token exchange), instead of the client ID and secret above:");
    println!("OIDC issuer:      {}", fake.oidc_issuer());
    println!("trust client ID:  {client_id} (no required claims)");
    println!(
        "OIDC token:       valid for 1 hour, until {expires} (FakeC1::oidc_token's last 5 minutes)"
    );
    println!();
    println!("export CONDUCTORONE_SERVER_URL='{}'", fake.base_url());
    println!("export CONDUCTORONE_CLIENT_ID='{client_id}'");
    println!("export CONDUCTORONE_OIDC_TOKEN='{token}'");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_strict_are_flags() {
        let args = |a: &[&str]| {
            parse_args(a.iter().map(|s| s.to_string()))
                .unwrap()
                .unwrap()
        };
        assert!(args(&["--nulls", "--port", "9"]).nulls);
        assert!(!args(&["--port", "9"]).nulls);
        assert!(args(&["--strict"]).strict && !args(&["--nulls"]).strict);
    }
}
