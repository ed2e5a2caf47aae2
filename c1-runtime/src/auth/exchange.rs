//! Workload federation: the OIDC token a workload trades for an access
//! token (RFC 8693 token exchange), given as a value or as a file that the
//! platform rewrites while the process runs (a Kubernetes projected service
//! account token, a token a CI job writes).
//!
//! Messages name the file's path and what is wrong, never its content.

use std::fmt;
use std::io::Read as _;
use std::path::PathBuf;

use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret as _, SecretString};

use super::credentials::parse_client_id;
use crate::error::{Error, ErrorKind, Result};

/// The largest OIDC token file read (a JWT is a few KiB at most).
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// Where the OIDC token comes from.
pub(crate) enum Subject {
    /// A token given once.
    Token(SecretString),
    /// A file read for every exchange.
    File(PathBuf),
}

impl fmt::Debug for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Token(_) => f.write_str("Token([redacted])"),
            Subject::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

/// A federation trust's client ID and the workload's OIDC token.
pub(crate) struct TokenExchange {
    client_id: String,
    /// The tenant's host, from the client ID.
    host: String,
    subject: Subject,
}

impl TokenExchange {
    /// Checks `client_id` and, when given as a value, the OIDC token: an
    /// [`ErrorKind::Config`] error says what is wrong, never quoting the token.
    pub(crate) fn parse(client_id: &str, subject: Subject) -> Result<TokenExchange> {
        let client_id = client_id.trim();
        let host = parse_client_id(client_id)?;
        let subject = match subject {
            Subject::Token(token) => {
                let trimmed = token.expose_secret().trim();
                if let Some(problem) = jwt_problem(trimmed) {
                    return Err(Error::new(
                        ErrorKind::Config,
                        format!("the OIDC token {problem}"),
                    ));
                }
                Subject::Token(SecretString::from(trimmed.to_owned()))
            }
            Subject::File(path) => Subject::File(path),
        };
        Ok(TokenExchange {
            client_id: client_id.to_owned(),
            host,
            subject,
        })
    }

    /// The client ID, as given (trimmed).
    pub(crate) fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The base URL implied by the client ID: `https://<host>`.
    pub(crate) fn default_base_url(&self) -> String {
        format!("https://{}", self.host)
    }

    /// The OIDC token for one exchange: the value given, or the file's
    /// content now. A file that cannot be read, is empty or does not hold a
    /// JWT is an [`ErrorKind::Auth`] error naming the path.
    pub(crate) fn subject_token(&self) -> Result<SecretString> {
        match &self.subject {
            Subject::Token(token) => Ok(SecretString::from(token.expose_secret().to_owned())),
            Subject::File(path) => {
                let the_file = format!("the OIDC token file {path:?}");
                let auth =
                    |problem: String| Error::new(ErrorKind::Auth, format!("{the_file} {problem}"));
                let mut bytes = Zeroizing::new(Vec::new());
                std::fs::File::open(path)
                    .and_then(|file| file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
                    .map_err(|e| auth(format!("cannot be read: {}", e.kind())))?;
                if bytes.len() as u64 > MAX_FILE_BYTES {
                    return Err(auth(format!(
                        "is larger than {MAX_FILE_BYTES} bytes: it does not hold a JWT"
                    )));
                }
                let text = std::str::from_utf8(&bytes)
                    .map_err(|_| auth("is not UTF-8 text: it does not hold a JWT".to_owned()))?
                    .trim();
                if let Some(problem) = jwt_problem(text) {
                    return Err(auth(problem.to_owned()));
                }
                Ok(SecretString::from(text.to_owned()))
            }
        }
    }

    /// The subject's fields for `Debug`: the file's path, never a token.
    pub(crate) fn describe_subject(&self, d: &mut fmt::DebugStruct<'_, '_>) {
        match &self.subject {
            Subject::Token(_) => d.field("oidc_token", &"[redacted]"),
            Subject::File(path) => d.field("oidc_token_file", path),
        };
    }
}

/// What makes `token` (trimmed) unusable as an OIDC token, if anything: it
/// must be a compact JWS, three non-empty base64url parts joined by dots.
fn jwt_problem(token: &str) -> Option<&'static str> {
    if token.is_empty() {
        return Some("is empty");
    }
    let parts: Vec<&str> = token.split('.').collect();
    let base64url = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if parts.len() != 3 || !parts.iter().all(|part| base64url(part)) {
        return Some("is not a JWT (three base64url parts joined by dots)");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    #[test]
    fn a_jwt_is_three_base64url_parts() {
        assert_eq!(jwt_problem(JWT), None);
        assert_eq!(jwt_problem(""), Some("is empty"));
        for bad in [
            "abc", "a.b", "a.b.c.d", "a..c", "a.b.", "a.b.c d", "a.b.c=", "a+b.c.d",
        ] {
            assert!(jwt_problem(bad).unwrap().contains("not a JWT"), "{bad}");
        }
    }

    #[test]
    fn a_token_value_is_checked_when_parsed() {
        let parse = |token: &str| {
            TokenExchange::parse(
                "trust@acme.example.com/wfe",
                Subject::Token(token.to_owned().into()),
            )
        };
        let exchange = parse(&format!("  {JWT}\n")).unwrap();
        assert_eq!(exchange.subject_token().unwrap().expose_secret(), JWT);
        assert_eq!(exchange.default_base_url(), "https://acme.example.com");
        for (bad, want) in [("", "is empty"), ("not-a-jwt-secret", "not a JWT")] {
            let error = parse(bad).map(|_| ()).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Config);
            assert_eq!(
                error.to_string(),
                format!(
                    "the OIDC token {}",
                    match want {
                        "is empty" => "is empty",
                        _ => "is not a JWT (three base64url parts joined by dots)",
                    }
                )
            );
            assert!(!error.to_string().contains("secret"), "{error}");
        }
        let error = TokenExchange::parse("no-at-sign", Subject::Token(JWT.to_owned().into()))
            .map(|_| ())
            .unwrap_err();
        assert!(error.to_string().contains("has no `@`"), "{error}");
    }

    #[test]
    fn a_file_is_read_at_every_call_and_its_problems_name_the_path() {
        let dir = std::env::temp_dir().join(format!("c1-exchange-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        let exchange = TokenExchange::parse("trust@acme/wfe", Subject::File(path.clone())).unwrap();
        let problem = |exchange: &TokenExchange| {
            let error = exchange.subject_token().unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Auth);
            let text = error.to_string();
            assert!(text.contains(&format!("{path:?}")), "{text}");
            assert!(!text.contains("secret-content"), "{text}");
            text
        };
        assert!(problem(&exchange).contains("cannot be read: entity not found"));
        std::fs::write(&path, " \n").unwrap();
        assert!(problem(&exchange).ends_with("is empty"));
        std::fs::write(&path, "secret-content").unwrap();
        assert!(problem(&exchange).contains("not a JWT"));
        std::fs::write(&path, vec![b'a'; 70 * 1024]).unwrap();
        assert!(problem(&exchange).contains("larger than"));
        std::fs::write(&path, format!("{JWT}\n")).unwrap();
        assert_eq!(exchange.subject_token().unwrap().expose_secret(), JWT);
        let rewritten = JWT.replace("c2ln", "bmV3");
        std::fs::write(&path, &rewritten).unwrap();
        assert_eq!(exchange.subject_token().unwrap().expose_secret(), rewritten);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
