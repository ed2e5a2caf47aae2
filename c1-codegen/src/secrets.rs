//! Which fields hold a credential, so that the models' `Debug` does not
//! print them: a rule on the field's name and type, and the exceptions of
//! `overrides.toml` (`secret`, `not_secret`) either way.
//!
//! The rule: a field of text (or a list or map of text) whose last word is
//! `secret`, `password`, `passphrase`, `plaintext` or `token` (but not a
//! page token), or `key` with `api`, `private`, `secret`, `plaintext` or
//! `signing` before it. So `clientSecret`, `oidcClientSecret`,
//! `webhookHmacSecret`, `password`, `accessToken`, `sessionToken`,
//! `pushAuthTokenPlaintext`, `apiKey`, `jwtPrivateKey`, `secretAccessKey`
//! and `plaintextKey` are secrets; `nextPageToken`, `tokenType`,
//! `secretType`, `passwordCel`, `accessKeyId`, `keyPrefix` and the boolean
//! `secret` flags are not.

use std::collections::{BTreeMap, BTreeSet};

use crate::names::{Names, snake};
use crate::overrides::Overrides;
use crate::spec::{Spec, Ty};

/// (schema key, wire field) of every field redacted in `Debug`.
pub fn find(
    spec: &Spec,
    names: &Names,
    ov: &Overrides,
) -> Result<BTreeSet<(String, String)>, String> {
    let mut out = BTreeSet::new();
    for s in spec.schemas.values() {
        for f in &s.fields {
            if by_name(&f.wire, &f.ty) {
                out.insert((s.key.clone(), f.wire.clone()));
            }
        }
    }
    let keys: BTreeMap<&str, &str> = names
        .types
        .iter()
        .map(|(key, name)| (name.as_str(), key.as_str()))
        .collect();
    let field = |entry: &str| -> Result<(String, String), String> {
        let (ty, wire) = entry
            .split_once('.')
            .ok_or_else(|| format!("overrides.toml: {entry} is not <Type>.<wireField>"))?;
        let key = keys
            .get(ty)
            .ok_or_else(|| format!("overrides.toml: no type is named {ty} ({entry})"))?;
        if !spec.schemas[*key].fields.iter().any(|f| f.wire == wire) {
            return Err(format!("overrides.toml: {ty} has no field {wire}"));
        }
        Ok(((*key).to_owned(), wire.to_owned()))
    };
    for entry in &ov.secret {
        if !out.insert(field(entry)?) {
            return Err(format!(
                "overrides.toml: secret lists {entry}, which the rule already redacts"
            ));
        }
    }
    for entry in &ov.not_secret {
        if !out.remove(&field(entry)?) {
            return Err(format!(
                "overrides.toml: not_secret lists {entry}, which the rule does not redact"
            ));
        }
    }
    Ok(out)
}

/// The rule (see the module's documentation).
fn by_name(wire: &str, ty: &Ty) -> bool {
    let text = |t: &Ty| matches!(t, Ty::String | Ty::Bytes);
    let texty = match ty {
        Ty::Array(t) | Ty::Map(t) => text(t),
        t => text(t),
    };
    if !texty {
        return false;
    }
    let snake = snake(wire);
    let words: Vec<&str> = snake.split('_').collect();
    let (last, before) = words.split_last().expect("a name has a word");
    match *last {
        "secret" | "secrets" | "password" | "passwd" | "passphrase" | "plaintext" | "apikey" => {
            true
        }
        "token" | "tokens" => before.last() != Some(&"page"),
        "key" | "keys" => before
            .iter()
            .any(|w| ["api", "private", "secret", "plaintext", "signing"].contains(w)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::by_name;
    use crate::spec::Ty;

    #[test]
    fn the_rule() {
        let text = Ty::String;
        for wire in [
            "clientSecret",
            "oidcClientSecret",
            "webhookHmacSecret",
            "password",
            "token",
            "accessToken",
            "sessionToken",
            "subjectToken",
            "pushAuthTokenPlaintext",
            "apiKey",
            "jwtPrivateKey",
            "secretAccessKey",
            "plaintextKey",
        ] {
            assert!(by_name(wire, &text), "{wire}");
        }
        for wire in [
            "nextPageToken",
            "pageToken",
            "tokenType",
            "tokenUrl",
            "secretType",
            "secretId",
            "passwordCel",
            "passwordPolicyId",
            "accessKeyId",
            "keyPrefix",
            "idempotencyKey",
            "clientId",
        ] {
            assert!(!by_name(wire, &text), "{wire}");
        }
        assert!(!by_name("secret", &Ty::Bool));
        assert!(by_name("secret", &Ty::Map(Box::new(Ty::String))));
        assert!(!by_name("password", &Ty::Ref("x".into())));
    }
}
