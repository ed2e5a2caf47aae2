//! Configuring a client from `CONDUCTORONE_*` environment variables, the way
//! the official Go SDK and Terraform provider read them.

use secrecy::{ExposeSecret as _, SecretString};

use crate::auth::{ClientCredentials, Subject, TokenExchange, normalize_host, parse_client_id};
use crate::client::{Client, ClientBuilder};
use crate::error::{Error, ErrorKind, Result};
use crate::shown::{looks_like_credential, quoted, shown_url};

/// A fixed access token (highest priority).
pub(crate) const ACCESS_TOKEN: &str = "CONDUCTORONE_ACCESS_TOKEN";
/// The client ID of client credentials or of a federation trust.
pub(crate) const CLIENT_ID: &str = "CONDUCTORONE_CLIENT_ID";
/// A workload's OIDC token, exchanged under the trust of `CLIENT_ID`.
pub(crate) const OIDC_TOKEN: &str = "CONDUCTORONE_OIDC_TOKEN";
/// HCP Terraform's workload identity tokens, first set wins: read as the
/// OIDC token when `OIDC_TOKEN` is unset.
pub(crate) const TFC_TOKENS: [&str; 3] = [
    "TFC_WORKLOAD_IDENTITY_TOKEN_CONDUCTORONE",
    "TFC_WORKLOAD_IDENTITY_TOKEN_C1",
    "TFC_WORKLOAD_IDENTITY_TOKEN",
];
/// The client secret of client credentials.
pub(crate) const CLIENT_SECRET: &str = "CONDUCTORONE_CLIENT_SECRET";
/// The API's base URL.
pub(crate) const SERVER_URL: &str = "CONDUCTORONE_SERVER_URL";
/// The tenant name (`acme` for `https://acme.conductor.one`).
pub(crate) const TENANT_DOMAIN: &str = "CONDUCTORONE_TENANT_DOMAIN";

fn config(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Config, message)
}

impl Client {
    /// A client configured from `CONDUCTORONE_*` environment variables.
    ///
    /// Credentials, in priority order:
    /// 1. `CONDUCTORONE_ACCESS_TOKEN`: a fixed bearer token;
    /// 2. `CONDUCTORONE_OIDC_TOKEN` with `CONDUCTORONE_CLIENT_ID`: workload
    ///    federation, the OIDC token exchanged under the federation trust
    ///    of that client ID (see [`ClientBuilder::oidc_token`]); an OIDC
    ///    token without a client ID is an error;
    /// 3. when `CONDUCTORONE_OIDC_TOKEN` is unset, HCP Terraform's
    ///    `TFC_WORKLOAD_IDENTITY_TOKEN_CONDUCTORONE`,
    ///    `TFC_WORKLOAD_IDENTITY_TOKEN_C1` or `TFC_WORKLOAD_IDENTITY_TOKEN`
    ///    (the first one set) with `CONDUCTORONE_CLIENT_ID`, in the same
    ///    way (without a client ID they are ignored: they may be meant for
    ///    another provider);
    /// 4. `CONDUCTORONE_CLIENT_ID` and `CONDUCTORONE_CLIENT_SECRET`: client
    ///    credentials (see [`ClientBuilder::client_credentials`]).
    ///
    /// An OIDC token is read once, when the variables are read: a process
    /// that outlives it should use [`ClientBuilder::oidc_token_file`].
    ///
    /// The server, in priority order: `CONDUCTORONE_SERVER_URL` (a full base
    /// URL); `https://<CONDUCTORONE_TENANT_DOMAIN>.conductor.one` (a value with
    /// a dot is taken as the whole host); the host in the client ID.
    /// Empty variables count as unset.
    ///
    /// # Errors
    ///
    /// An [`ErrorKind::Config`] error naming the variables to set when the
    /// settings are missing or incomplete (only one of the client ID and
    /// secret; an OIDC token without a client ID; a token but no server),
    /// or when a value is malformed. Secrets and tokens never appear in the
    /// message.
    ///
    /// ```no_run
    /// # use c1_runtime as c1;
    /// # fn main() -> c1::Result<()> {
    /// let client = c1::Client::from_env()?;
    /// # Ok(()) }
    /// ```
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env()?.build()
    }

    /// Like [`Client::from_env`], but reads the variables through `lookup`
    /// (for tests, or settings kept somewhere other than the process environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Client> {
        ClientBuilder::from_lookup(lookup)?.build()
    }
}

impl ClientBuilder {
    /// A builder holding the credentials and server of [`Client::from_env`],
    /// for setting timeouts or retries before [`build`](ClientBuilder::build).
    pub fn from_env() -> Result<ClientBuilder> {
        ClientBuilder::from_lookup(|name| {
            std::env::var_os(name).map(|v| v.to_string_lossy().into_owned())
        })
    }

    /// Like [`ClientBuilder::from_env`], but reads the variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let server = match (var(SERVER_URL), var(TENANT_DOMAIN)) {
            (Some(url), _) => Some(url),
            (None, Some(tenant)) => Some(tenant_url(&tenant)?),
            (None, None) => None,
        };
        let (id, secret) = (var(CLIENT_ID), var(CLIENT_SECRET).map(SecretString::from));
        let builder = Client::builder();

        if let Some(token) = var(ACCESS_TOKEN) {
            let server = match (server, id) {
                (Some(server), _) => server,
                (None, Some(id)) => {
                    let host = parse_client_id(&id).map_err(|e| {
                        config(format!(
                            "{ACCESS_TOKEN} is set without {SERVER_URL} or {TENANT_DOMAIN}, and the server cannot be taken from {CLIENT_ID}: {e}"
                        ))
                    })?;
                    format!("https://{host}")
                }
                (None, None) => {
                    return Err(config(format!(
                        "{ACCESS_TOKEN} is set but the server is not: set {SERVER_URL} (e.g. https://acme.conductor.one) or {TENANT_DOMAIN} (e.g. acme)"
                    )));
                }
            };
            return Ok(builder.bearer_token(token).base_url(server));
        }

        // Workload federation: CONDUCTORONE_OIDC_TOKEN, else HCP Terraform's.
        let oidc = var(OIDC_TOKEN)
            .map(|token| (OIDC_TOKEN, token))
            .or_else(|| {
                TFC_TOKENS
                    .into_iter()
                    .find_map(|name| var(name).map(|token| (name, token)))
            });
        match (oidc, &id) {
            (Some((name, token)), Some(id)) => {
                // Checked here so the message names the variable; build() checks again.
                parse_client_id(id).map_err(|e| config(format!("{CLIENT_ID}: {e}")))?;
                let token = SecretString::from(token);
                TokenExchange::parse(id, Subject::Token(token.clone()))
                    .map_err(|e| config(format!("{name}: {e}")))?;
                let builder = builder.oidc_token(id.clone(), token.expose_secret());
                return Ok(match server {
                    Some(server) => builder.base_url(server),
                    None => builder,
                });
            }
            (Some((OIDC_TOKEN, _)), None) => {
                return Err(config(format!(
                    "{OIDC_TOKEN} is set but {CLIENT_ID} is not: set {CLIENT_ID} to the client ID of the federation trust (`<name>@<host>/wfe`)"
                )));
            }
            // A Terraform token without a ConductorOne client ID may be
            // meant for another provider: not ours.
            _ => {}
        }

        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (Some(_), None) => {
                return Err(config(format!(
                    "{CLIENT_ID} is set but {CLIENT_SECRET} is not: set both (or {ACCESS_TOKEN})"
                )));
            }
            (None, Some(_)) => {
                return Err(config(format!(
                    "{CLIENT_SECRET} is set but {CLIENT_ID} is not: set both (or {ACCESS_TOKEN})"
                )));
            }
            (None, None) => {
                return Err(config(format!(
                    "no ConductorOne credentials in the environment: set {CLIENT_ID} and {CLIENT_SECRET}, or {CLIENT_ID} and {OIDC_TOKEN}, or {ACCESS_TOKEN} with {SERVER_URL} or {TENANT_DOMAIN}"
                )));
            }
        };
        // Check here so the message names the variable; build() checks again.
        parse_client_id(&id).map_err(|e| config(format!("{CLIENT_ID}: {e}")))?;
        ClientCredentials::parse(&id, &secret)
            .map_err(|e| config(format!("{CLIENT_SECRET}: {e}")))?;
        let builder = builder.client_credentials_secret(id, secret);
        Ok(match server {
            Some(server) => builder.base_url(server),
            None => builder,
        })
    }
}

/// `acme` -> `https://acme.conductor.one`; `acme.example.com` -> `https://acme.example.com`.
/// A message quotes the value only as [`crate::shown`] allows.
fn tenant_url(tenant: &str) -> Result<String> {
    if tenant.contains("://") {
        let shown = shown_url(tenant).map_or_else(String::new, |url| format!(" `{url}`"));
        return Err(config(format!(
            "{TENANT_DOMAIN}{shown} must be a tenant name such as `acme`; put a full URL in {SERVER_URL}"
        )));
    }
    // A token or secret put here by mistake is neither shown nor looked up
    // as a host name.
    if looks_like_credential(tenant) {
        return Err(config(format!(
            "{TENANT_DOMAIN} looks like a key or token, not a tenant name such as `acme` or a host such as `acme.conductor.one`; it is not shown"
        )));
    }
    normalize_host(tenant)
        .map(|host| format!("https://{host}"))
        .ok_or_else(|| {
            // Quoted only when made of the characters of a host (and port).
            let host_like = tenant
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
            let shown = quoted(tenant)
                .filter(|_| host_like)
                .map_or_else(String::new, |t| format!(" {t}"));
            config(format!(
                "{TENANT_DOMAIN}{shown} is not a tenant name such as `acme` or a host such as `acme.conductor.one`"
            ))
        })
}
