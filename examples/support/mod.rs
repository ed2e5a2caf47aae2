//! What every example shares: sign in to the tenant named by the environment,
//! or, when none is, to the embedded fake C1 tenant.

/// A client for the tenant in the environment, or for a fake tenant started
/// on loopback (returned too, so it lives as long as the caller keeps it).
pub async fn connect() -> c1::Result<(c1::Client, Option<c1_fake::FakeC1>)> {
    if credentials_in_env() {
        return Ok((c1::Client::from_env()?, None));
    }
    let fake = c1_fake::FakeC1::start().await;
    eprintln!(
        "no ConductorOne credentials in the environment (CONDUCTORONE_ACCESS_TOKEN or \
         CONDUCTORONE_CLIENT_ID): using the embedded fake C1 tenant at {}",
        fake.base_url()
    );
    let creds = fake.credentials();
    let client = c1::Client::builder()
        .base_url(fake.base_url())
        .client_credentials(&creds.client_id, &creds.client_secret)
        .build()?;
    Ok((client, Some(fake)))
}

/// Whether the environment names a real tenant to talk to.
fn credentials_in_env() -> bool {
    ["CONDUCTORONE_ACCESS_TOKEN", "CONDUCTORONE_CLIENT_ID"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// The four ids an example works on: from the command line, or the defaults.
#[allow(dead_code, reason = "not every example takes four ids")]
pub fn ids(defaults: [&str; 4], usage: &str) -> Result<[String; 4], String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match <[String; 4]>::try_from(args) {
        Ok(ids) => Ok(ids),
        Err(args) if args.is_empty() => Ok(defaults.map(String::from)),
        Err(_) => Err(format!("usage: {usage}")),
    }
}
