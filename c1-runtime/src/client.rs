//! The `Client` and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use std::path::PathBuf;

use crate::auth::{
    Auth, ClientCredentials, Custom, Grant, Resolve, Subject, TokenEndpoint, TokenExchange,
    TokenSource, shown_client_id,
};
use crate::deadline::Deadlines;
use crate::error::{Error, ErrorKind, Result};
use crate::http_client::HttpSettings;
use crate::origin::Origin;
use crate::retry::RetryPolicy;
use crate::shown::{NOT_SHOWN, has_user_info, quotable, shown_parsed_url, shown_url};

/// Whether a TLS backend was compiled in (a `rustls-*` feature).
const HAS_TLS: bool = cfg!(any(feature = "rustls-aws-lc", feature = "rustls-ring"));

/// A ConductorOne API client: cheap to clone (all clones share one connection
/// pool and one token cache), `Send + Sync`.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    /// The base URL without a trailing `/`; a path prefix is kept.
    pub(crate) base_url: String,
    /// The base URL's origin, parsed once for every request URL.
    pub(crate) origin: Origin,
    pub(crate) auth: Auth,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeouts: Timeouts,
    /// Enforces the timeouts without a tokio timer per request.
    pub(crate) deadlines: Deadlines,
    pub(crate) max_response_bytes: u64,
}

/// The timeouts a client applies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) attempt: Duration,
    pub(crate) call: Duration,
}

// A `Client` is shared across tasks and threads: keep it so.
const _: () = {
    const fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<Client>();
};

impl Client {
    /// A builder to configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests go to (without a trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .field("timeouts", &self.inner.timeouts)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]; [`build`](ClientBuilder::build) checks the settings.
///
/// # Defaults
///
/// | setting | default | on expiry or excess |
/// |---|---|---|
/// | [`connect_timeout`](ClientBuilder::connect_timeout) | 10 s | [`TimeoutKind::Connect`](crate::TimeoutKind::Connect), retried |
/// | [`attempt_timeout`](ClientBuilder::attempt_timeout): one request, body read included | 30 s | [`TimeoutKind::Attempt`](crate::TimeoutKind::Attempt), retried for `GET` `PUT` `DELETE` |
/// | [`timeout`](ClientBuilder::timeout): the whole call, retries and waits included | 60 s | [`TimeoutKind::Call`](crate::TimeoutKind::Call), not retried |
/// | [`retry_policy`](ClientBuilder::retry_policy) | 3 attempts, backoff 200 ms doubling, at most 20 s | see [`RetryPolicy`] |
/// | [`max_response_size`](ClientBuilder::max_response_size) | 32 MiB | [`ErrorKind::TooLarge`], not retried |
/// | [`user_agent`](ClientBuilder::user_agent) | `c1/<version>` | |
///
/// Every request sends `Accept: application/json`, and `Content-Type:
/// application/json` when it has a body. Redirects are not followed (a `3xx`
/// is an [`ErrorKind::Status`] error), so the token never goes to another host.
/// A body over the size limit is refused from its `Content-Length` or, without
/// one, as soon as the limit is passed while reading: it is never buffered whole.
/// Error bodies (non-2xx) are read up to 64 KiB.
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    bearer_token: Option<SecretString>,
    client_credentials: Option<(String, SecretString)>,
    /// A federation trust's client ID and the OIDC token to exchange.
    oidc: Option<(String, Subject)>,
    token_source: Option<Box<dyn Resolve>>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    max_response_bytes: Option<u64>,
    allow_http: bool,
    http: HttpSettings,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "base_url",
                &self
                    .base_url
                    .as_deref()
                    .map(|url| shown_url(url).unwrap_or_else(|| NOT_SHOWN.to_owned())),
            )
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "client_credentials",
                &self.client_credentials.as_ref().map(|(id, _)| {
                    let id = shown_client_id(id.trim()).unwrap_or(NOT_SHOWN);
                    (id, "[redacted]")
                }),
            )
            .field(
                "oidc",
                &self.oidc.as_ref().map(|(id, subject)| {
                    (shown_client_id(id.trim()).unwrap_or(NOT_SHOWN), subject)
                }),
            )
            .field("token_source", &self.token_source.as_ref().map(|_| "[set]"))
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("allow_http", &self.allow_http)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API's base URL, `http` or `https` (e.g. `https://acme.conductor.one`);
    /// a path prefix is kept.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Authenticate with a fixed access token (`Bearer ` is added when missing).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer_token = Some(SecretString::from(token.into()));
        self
    }

    /// Sign in with ConductorOne client credentials (a client ID and secret
    /// created in the ConductorOne admin console).
    ///
    /// The client ID looks like `<name>@<host>/<use>`
    /// (`my-client@acme.conductor.one/pcc`; a host without a dot is a tenant
    /// name, `acme` meaning `acme.conductor.one`). The secret looks like
    /// `secret-token:conductorone.com:v1:<key>`. Both are checked by
    /// [`build`](ClientBuilder::build), which returns an [`ErrorKind::Config`]
    /// error saying which part is malformed (never quoting the secret).
    ///
    /// Without [`base_url`](ClientBuilder::base_url) the base URL is
    /// `https://<host from the client ID>`; an explicit base URL wins. The
    /// token endpoint is `<base URL>/auth/v1/token`.
    ///
    /// The client asks for an access token on first use with a client
    /// assertion (a JWS signed with the secret's Ed25519 key), caches it for
    /// all clones of the client, refreshes it shortly before it expires (up to
    /// 60 s early, at least 10 s early) with one request however many calls
    /// are waiting, and on a `401` fetches a new token and retries once.
    /// The token request is sent like an API call, within the call's
    /// deadline: the same timeouts, and the same retries for any transient
    /// failure (see [`RetryPolicy`]). Failing to get a token is an
    /// [`ErrorKind::Auth`] error.
    ///
    /// ```no_run
    /// # use c1_runtime as c1;
    /// # fn main() -> c1::Result<()> {
    /// let client = c1::Client::builder()
    ///     .client_credentials(
    ///         "my-client@acme.conductor.one/pcc",
    ///         std::env::var("C1_SECRET").unwrap_or_default(),
    ///     )
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://acme.conductor.one");
    /// # Ok(()) }
    /// ```
    pub fn client_credentials(
        self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.client_credentials_secret(client_id.into(), SecretString::from(client_secret.into()))
    }

    /// [`client_credentials`](ClientBuilder::client_credentials) with the secret already wrapped.
    pub(crate) fn client_credentials_secret(
        mut self,
        client_id: String,
        secret: SecretString,
    ) -> Self {
        self.client_credentials = Some((client_id, secret));
        self
    }

    /// Sign in with workload federation: trade `token`, an OIDC token (a JWT)
    /// that the workload's platform issued, for an access token.
    ///
    /// `client_id` is the client ID of a federation trust created in the
    /// ConductorOne admin console, `<name>@<host>/wfe`; the trust says which
    /// issuer, audience and claims it accepts. The platform must issue the
    /// JWT with the tenant's host as its audience. No secret is involved.
    ///
    /// The exchange is `POST <base URL>/auth/v1/token` with the form
    /// `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
    /// `subject_token=<token>`,
    /// `subject_token_type=urn:ietf:params:oauth:token-type:jwt` and
    /// `client_id=<client_id>`. The access token it gives is cached,
    /// refreshed and replaced on a `401` like one of
    /// [`client_credentials`](ClientBuilder::client_credentials), and
    /// failures are handled the same way: `429`, `5xx` and connection
    /// errors are retried, a `400`, `401` or `403` is an [`ErrorKind::Auth`]
    /// error. Without [`base_url`](ClientBuilder::base_url) the base URL
    /// is `https://<host from the client ID>`.
    ///
    /// A platform's OIDC token expires within minutes: a process that runs
    /// longer should use [`oidc_token_file`](ClientBuilder::oidc_token_file).
    /// [`build`](ClientBuilder::build) checks the client ID and that the
    /// token is a JWT (an [`ErrorKind::Config`] error, never quoting it);
    /// no `Debug`, error or log line shows the token.
    ///
    /// ```no_run
    /// # use c1_runtime as c1;
    /// # fn main() -> c1::Result<()> {
    /// let client = c1::Client::builder()
    ///     .oidc_token(
    ///         "my-trust@acme.conductor.one/wfe",
    ///         std::env::var("CI_OIDC_TOKEN").unwrap_or_default(),
    ///     )
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn oidc_token(mut self, client_id: impl Into<String>, token: impl Into<String>) -> Self {
        let token = SecretString::from(token.into());
        self.oidc = Some((client_id.into(), Subject::Token(token)));
        self
    }

    /// Like [`oidc_token`](ClientBuilder::oidc_token), with the OIDC token
    /// read from the file at `path` afresh for every exchange, because the
    /// platform rewrites it while the process runs (a Kubernetes projected
    /// service account token, a file a CI job writes).
    ///
    /// The file is not read by [`build`](ClientBuilder::build), only when a
    /// token is needed: a file that is missing, unreadable, empty or that
    /// does not hold a JWT then makes the call fail with an
    /// [`ErrorKind::Auth`] error naming the path (never quoting the
    /// content), before any request is sent; the next call reads it again.
    /// Surrounding whitespace is ignored.
    ///
    /// ```no_run
    /// # use c1_runtime as c1;
    /// # fn main() -> c1::Result<()> {
    /// let client = c1::Client::builder()
    ///     .oidc_token_file(
    ///         "my-trust@acme.conductor.one/wfe",
    ///         "/var/run/secrets/conductorone/token",
    ///     )
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn oidc_token_file(
        mut self,
        client_id: impl Into<String>,
        path: impl Into<PathBuf>,
    ) -> Self {
        self.oidc = Some((client_id.into(), Subject::File(path.into())));
        self
    }

    /// Get access tokens from `source`, code of yours (a vault, a sidecar):
    /// see [`TokenSource`]. The client caches them as it caches the tokens
    /// it fetches itself. Needs a [`base_url`](ClientBuilder::base_url).
    pub fn token_source(mut self, source: impl TokenSource) -> Self {
        self.token_source = Some(Box::new(Custom(source)));
        self
    }

    /// The `User-Agent` header; defaults to `c1/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The deadline of a whole call, retries and waits included (default 60 s;
    /// `Duration::MAX` for none).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The deadline of establishing a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The deadline of one attempt: sending and reading the whole answer
    /// (default 30 s; `Duration::MAX` for none).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// When to retry a failed call (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The largest response body accepted, in bytes (default 32 MiB).
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Allows a plain `http://` base URL for any host (default: only for
    /// loopback hosts: `127.0.0.0/8`, `::1`, `localhost`).
    ///
    /// Over plain http the bearer token, or the signed assertion that buys
    /// one, crosses the network unencrypted. Turn this on only for a network
    /// you trust end to end, such as a test server in a private network.
    pub fn danger_allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Sends every request through `proxy` (see [`reqwest::Proxy`]); may be
    /// called more than once, the first matching proxy wins.
    ///
    /// Without it, the `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and
    /// `NO_PROXY` environment variables (and their lowercase forms) are
    /// obeyed, read when the client is built; HTTPS through a proxy stays
    /// encrypted end to end (a `CONNECT` tunnel).
    ///
    /// A plain-http base URL to a loopback host never goes through a proxy:
    /// the environment's proxies are ignored for it, and an explicit proxy
    /// is a [`Config`](ErrorKind::Config) error unless
    /// [`danger_allow_http`](ClientBuilder::danger_allow_http) is on (the
    /// token would travel unencrypted to the proxy).
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.http.proxies.push(proxy);
        self
    }

    /// Ignores proxy environment variables: connect directly unless
    /// [`proxy`](ClientBuilder::proxy) says otherwise.
    pub fn no_proxy(mut self) -> Self {
        self.http.no_proxy = true;
        self
    }

    /// Trusts `certificate` as a root, besides the platform's roots (e.g. a
    /// corporate TLS-inspecting proxy or a private test server). Needs a TLS
    /// backend feature.
    #[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
    pub fn add_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.http.root_certificates.push(certificate);
        self
    }

    /// Presents `identity` as the TLS client certificate (mutual TLS). Needs
    /// a TLS backend feature.
    #[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
    pub fn identity(mut self, identity: reqwest::Identity) -> Self {
        self.http.identity = Some(identity);
        self
    }

    /// Headers sent with every request. c1's own headers (`Authorization`,
    /// `Accept`, `Content-Type`) take precedence; values are never logged or
    /// shown by `Debug`.
    pub fn default_headers(mut self, headers: reqwest::header::HeaderMap) -> Self {
        self.http.default_headers.extend(headers);
        self
    }

    /// Changes the reqwest builder after c1 has applied its settings (user
    /// agent, connect timeout, redirects not followed, the transport
    /// settings above): anything reqwest offers, such as `local_address`,
    /// `tcp_keepalive` or `http1_only`.
    pub fn configure_http(
        mut self,
        configure: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + 'static,
    ) -> Self {
        self.http.configure.push(Box::new(configure));
        self
    }

    /// Sends requests with `client`, built by you; c1's transport settings
    /// (user agent, connect timeout, proxy, certificates, default headers,
    /// [`configure_http`](ClientBuilder::configure_http)) then do not apply.
    ///
    /// Its redirect policy is yours: reqwest's default follows up to ten
    /// redirects, dropping `Authorization` on a redirect to another host;
    /// c1's own client follows none. reqwest's retry of HTTP/2 refusals,
    /// which c1's own client turns off (c1 retries them itself), is yours
    /// too. Timeouts, retries and the response size limit still apply per
    /// request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http.client = Some(client);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        self.only_one_way_to_sign_in()?;
        let credentials = match &self.client_credentials {
            Some((id, secret)) => Some(ClientCredentials::parse(id, secret)?),
            None => None,
        };
        let exchange = match self.oidc {
            Some((id, subject)) => Some(TokenExchange::parse(&id, subject)?),
            None => None,
        };
        let implied = credentials
            .as_ref()
            .map(ClientCredentials::default_base_url)
            .or_else(|| exchange.as_ref().map(TokenExchange::default_base_url));
        let (base_url, origin) = match (&self.base_url, implied) {
            (Some(url), _) => normalize_base_url(url, self.allow_http)?,
            (None, Some(url)) => normalize_base_url(&url, self.allow_http)?,
            (None, None) => {
                return Err(Error::new(
                    ErrorKind::Config,
                    "no base URL: call `base_url(..)`, or sign in with client credentials or an \
                     OIDC token (the host comes from their client ID)",
                ));
            }
        };
        let timeouts = Timeouts {
            connect: self.connect_timeout.unwrap_or(Duration::from_secs(10)),
            attempt: self.attempt_timeout.unwrap_or(Duration::from_secs(30)),
            call: self.timeout.unwrap_or(Duration::from_secs(60)),
        };
        let grant = credentials
            .map(Grant::ClientCredentials)
            .or(exchange.map(Grant::TokenExchange));
        let auth = match (&self.bearer_token, grant, self.token_source) {
            (Some(token), _, _) => Auth::bearer(token)?,
            (None, Some(grant), _) => Auth::cached(Box::new(TokenEndpoint::new(grant, &base_url)?)),
            (None, None, Some(source)) => Auth::cached(source),
            (None, None, None) => Auth::None,
        };
        // Plain http is allowed to a loopback host because it never leaves
        // the machine; through a proxy it would, token and all.
        let loopback_only = base_url.starts_with("http://") && !self.allow_http;
        if loopback_only && !self.http.proxies.is_empty() {
            return Err(Error::new(
                ErrorKind::Config,
                "a proxy is set for a plain-http base URL, which would send the access token \
                 unencrypted through the proxy: use https, or `danger_allow_http(true)` if the \
                 path to the proxy is trusted end to end",
            ));
        }
        let http = self
            .http
            .build(self.user_agent.as_deref(), timeouts.connect, loopback_only)?;
        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                origin,
                auth,
                retry: self.retry.unwrap_or_default(),
                timeouts,
                deadlines: Deadlines::new(timeouts.attempt.min(timeouts.call)),
                max_response_bytes: self.max_response_bytes.unwrap_or(32 * 1024 * 1024),
            }),
        })
    }
}

impl ClientBuilder {
    /// A [`Config`](ErrorKind::Config) error when more than one way to sign
    /// in is set.
    fn only_one_way_to_sign_in(&self) -> Result<()> {
        let set: Vec<&str> = [
            (self.bearer_token.is_some(), "a bearer token"),
            (self.client_credentials.is_some(), "client credentials"),
            (self.oidc.is_some(), "an OIDC token"),
            (self.token_source.is_some(), "a token source"),
        ]
        .into_iter()
        .filter_map(|(set, what)| set.then_some(what))
        .collect();
        let listed = match set.as_slice() {
            [] | [_] => return Ok(()),
            [first, second] => format!("both {first} and {second} are"),
            [init @ .., last] => format!("{} and {last} are", init.join(", ")),
        };
        Err(Error::new(
            ErrorKind::Config,
            format!("{listed} set: choose one"),
        ))
    }
}

/// Checks that `url` is an absolute https URL (or http to a loopback host,
/// or to any host with `allow_http`) without user info, query or fragment,
/// and returns it without a trailing `/`.
///
/// Decided on the URL as parsed (the way reqwest parses it), not its text:
/// `https:/user:pw@host` has user info too. A message quotes the URL only
/// as [`shown_parsed_url`] allows (never its user info, never a value that
/// looks like a credential); otherwise it names the base URL without quoting.
fn normalize_base_url(url: &str, allow_http: bool) -> Result<(String, Origin)> {
    const SHAPE: &str = "it must be an absolute URL such as `https://acme.conductor.one`";
    let config = |message: String| Error::new(ErrorKind::Config, message);
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        // The text cannot be judged without parsing it: it is not quoted.
        let user_info = if url.contains('@') {
            "; if it has user info (`user:password@`), remove it and use `bearer_token` or \
             `client_credentials`"
        } else {
            ""
        };
        config(format!(
            "the base URL is not a valid URL ({e}); {SHAPE}{user_info}"
        ))
    })?;
    let shown = match shown_parsed_url(&parsed) {
        Some(shown) => format!("the base URL `{shown}`"),
        None => "the base URL".to_owned(),
    };
    if has_user_info(&parsed) {
        return Err(config(format!(
            "{shown} contains user info (`user:password@`); remove it and use `bearer_token` or \
             `client_credentials`"
        )));
    }
    let problem = match parsed.scheme() {
        "https" if !HAS_TLS => Some(
            "uses https, but c1 was built without a TLS backend: enable the `rustls-aws-lc` \
             (default) or `rustls-ring` feature"
                .to_owned(),
        ),
        "https" => None,
        "http" if allow_http || is_loopback(&parsed) => None,
        "http" => Some(
            "uses plain http to a host that is not loopback, which would send the access token \
             unencrypted: use https (or `danger_allow_http(true)` on a network you trust \
             end to end)"
                .to_owned(),
        ),
        // The scheme is quoted only when the URL has a host: `user:pw` parses
        // as the scheme `user`.
        other if parsed.has_host() && quotable(other) => Some(format!(
            "must use https (or http to a loopback host), not `{other}`"
        )),
        _ => Some(format!(
            "must use https (or http to a loopback host); {SHAPE}"
        )),
    };
    let problem = problem.or_else(|| {
        if parsed.host_str().is_none_or(str::is_empty) {
            Some("has no host".to_owned())
        } else if parsed.query().is_some() || parsed.fragment().is_some() {
            Some("must not have a query or fragment".to_owned())
        } else {
            None
        }
    });
    match problem {
        Some(problem) => Err(config(format!("{shown} {problem}"))),
        None => {
            let text = parsed.as_str().trim_end_matches('/').to_owned();
            Ok((text, Origin::new(parsed)))
        }
    }
}

/// Whether `url` names this machine: `127.0.0.0/8`, `::1` or `localhost`.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // IPv6 hosts come bracketed: `[::1]`.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_prefix_and_drops_trailing_slash() {
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080/prefix/", false)
                .unwrap()
                .0,
            "http://127.0.0.1:8080/prefix"
        );
        if HAS_TLS {
            assert_eq!(
                normalize_base_url("https://acme.conductor.one", false)
                    .unwrap()
                    .0,
                "https://acme.conductor.one"
            );
        }
    }

    #[test]
    fn https_without_a_tls_backend_is_a_config_error() {
        let result = normalize_base_url("https://acme.conductor.one", false);
        if HAS_TLS {
            assert!(result.is_ok());
        } else {
            let error = result.unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Config);
            assert!(error.to_string().contains("rustls-aws-lc"), "{error}");
        }
    }

    #[test]
    fn base_url_rejects_other_schemes_and_junk() {
        for bad in [
            "ftp://x",
            "not a url",
            "http://h/?q=1",
            "https://u:p@h",
            "http://",
        ] {
            assert_eq!(
                normalize_base_url(bad, true).unwrap_err().kind(),
                ErrorKind::Config,
                "{bad}"
            );
        }
    }
}
