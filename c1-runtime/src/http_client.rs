//! The HTTP client under a `Client`: reqwest, configured by c1 (timeouts,
//! no redirects, user agent) and by the user's transport settings (proxy,
//! root certificates, client certificate, default headers), or supplied
//! whole by the user.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderValue};

use crate::error::{Error, ErrorKind, Result};

/// The `User-Agent` of a client that sets none: `c1/<version>`.
const DEFAULT_USER_AGENT: &str = concat!("c1/", env!("CARGO_PKG_VERSION"));

/// A change to the reqwest builder, applied after c1's own settings.
type Configure = Box<dyn FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send>;

/// The transport settings a `ClientBuilder` collects.
#[derive(Default)]
pub(crate) struct HttpSettings {
    pub(crate) proxies: Vec<reqwest::Proxy>,
    pub(crate) no_proxy: bool,
    #[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
    pub(crate) root_certificates: Vec<reqwest::Certificate>,
    #[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
    pub(crate) identity: Option<reqwest::Identity>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) configure: Vec<Configure>,
    /// A client the user built; when set, the other settings do not apply.
    pub(crate) client: Option<reqwest::Client>,
}

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials: names only.
        let headers: Vec<&str> = self.default_headers.keys().map(|k| k.as_str()).collect();
        let mut f = f.debug_struct("HttpSettings");
        f.field("proxies", &self.proxies.len())
            .field("no_proxy", &self.no_proxy);
        #[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
        f.field("root_certificates", &self.root_certificates.len())
            .field("identity", &self.identity.is_some());
        f.field("default_headers", &headers)
            .field("configure", &self.configure.len())
            .field("own_client", &self.client.is_some())
            .finish()
    }
}

impl HttpSettings {
    /// The reqwest client: the user's own, or one built with c1's settings
    /// (`user_agent`, `connect_timeout`, redirects not followed) and the
    /// user's transport settings. `direct`: the environment's proxies are not
    /// used (a plain-http base URL to loopback must not leave the machine).
    pub(crate) fn build(
        self,
        user_agent: Option<&str>,
        connect_timeout: std::time::Duration,
        direct: bool,
    ) -> Result<reqwest::Client> {
        if let Some(client) = self.client {
            return Ok(client);
        }
        install_crypto_provider();
        let builder = match user_agent {
            Some(user_agent) => reqwest::Client::builder().user_agent(user_agent),
            // Static: reqwest copies its default headers into every request,
            // and a static value has no reference count for threads to
            // contend on.
            None => {
                reqwest::Client::builder().user_agent(HeaderValue::from_static(DEFAULT_USER_AGENT))
            }
        };
        let mut builder = builder
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            // c1 retries (see `RetryPolicy`), HTTP/2 refusals included. With
            // its own retry on, reqwest copies every request twice in case
            // of a refusal; a zero per-request limit makes it copy none.
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .default_headers(self.default_headers);
        if self.no_proxy || direct {
            builder = builder.no_proxy();
        }
        for proxy in self.proxies {
            builder = builder.proxy(proxy);
        }
        #[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
        {
            for certificate in self.root_certificates {
                builder = builder.add_root_certificate(certificate);
            }
            if let Some(identity) = self.identity {
                builder = builder.identity(identity);
            }
        }
        for configure in self.configure {
            builder = configure(builder);
        }
        builder.build().map_err(|e| {
            Error::new(
                ErrorKind::Config,
                format!("could not build the HTTP client: {}", e.without_url()),
            )
        })
    }
}

/// With the `rustls-ring` feature alone, reqwest has no crypto provider of
/// its own: make ring rustls's process default unless one is installed.
#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another installer is fine: a provider is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(not(all(feature = "rustls-ring", not(feature = "rustls-aws-lc"))))]
fn install_crypto_provider() {}
