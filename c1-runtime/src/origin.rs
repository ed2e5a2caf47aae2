//! Parsing a request URL against the client's base URL, once per request.
//!
//! A request URL is the base URL followed by an escaped path and query.
//! Parsing it whole parses the scheme and host again every time (about a
//! third of the parse); parsing only what follows the origin, relative to the
//! already parsed base, gives the same URL without that work.

use reqwest::Url;

/// The scheme, host and port of a client's base URL, parsed.
#[derive(Debug)]
pub(crate) struct Origin {
    base: Url,
    /// The length of `scheme://host:port` in the base URL's text.
    len: usize,
}

impl Origin {
    /// The origin of the parsed base URL `base`, whose text (without a
    /// trailing `/`) starts every request URL.
    pub(crate) fn new(base: Url) -> Origin {
        let len = base[..url::Position::BeforePath].len();
        Origin { base, len }
    }

    /// The base URL, parsed.
    #[cfg(feature = "webhooks")]
    pub(crate) fn base(&self) -> &Url {
        &self.base
    }

    /// Parses `url`, which starts with the base URL.
    pub(crate) fn parse(&self, url: &str) -> Result<Url, url::ParseError> {
        match url.get(self.len..) {
            // A path-absolute reference: `/` not followed by a second slash
            // (or, in http, a backslash), which would start a host.
            Some(rest)
                if url.as_bytes()[..self.len] == self.base.as_str().as_bytes()[..self.len]
                    && rest.starts_with('/')
                    && !matches!(rest.as_bytes().get(1), Some(b'/' | b'\\')) =>
            {
                Url::options().base_url(Some(&self.base)).parse(rest)
            }
            _ => Url::parse(url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative to the parsed base or whole, the same URL, for every base
    /// shape and for inputs that would change the host if parsed carelessly.
    #[test]
    fn parses_as_the_whole_url_does() {
        let bases = [
            "http://127.0.0.1:8080",
            "https://acme.conductor.one",
            "http://[::1]:9000/prefix",
            "http://localhost/a/b",
        ];
        let rests = [
            "/api/v1/apps/a%2Fb/x?page_size=10&q=%26",
            "/",
            "//evil.example/x",
            "/\\evil.example/x",
            "/a/../b/./c",
            "/a b\t\n/c",
            "/%2e%2e/x",
            "?q=1",
            "#f",
            "",
        ];
        for base in bases {
            let origin = Origin::new(Url::parse(base).unwrap());
            for rest in rests {
                let url = format!("{base}{rest}");
                assert_eq!(
                    origin.parse(&url).map(String::from),
                    Url::parse(&url).map(String::from),
                    "{url}"
                );
            }
            // Not under the base at all: parsed whole.
            let other = "http://other.example:1/x";
            assert_eq!(origin.parse(other).unwrap().as_str(), other);
        }
    }
}
