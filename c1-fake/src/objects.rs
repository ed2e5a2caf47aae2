//! The tenant's stored objects: one store per resource family. A family is named by its
//! object's schema (`c1.api.app.v1.App`); each object is the API's JSON for it, with a
//! non-empty string `id`, kept in creation order so lists page stably.

use std::collections::BTreeMap;

use serde_json::Value;

/// The directory's users: the store behind `UserService`, the searches and owners.
pub(crate) const USER: &str = "c1.api.user.v1.User";
/// Apps.
pub(crate) const APP: &str = "c1.api.app.v1.App";
/// App entitlements (each names its app in `appId`).
pub(crate) const APP_ENTITLEMENT: &str = "c1.api.app.v1.AppEntitlement";
/// Tasks (access requests, revocations, ...).
pub(crate) const TASK: &str = "c1.api.task.v1.Task";

/// Every family's objects.
#[derive(Debug, Default, Clone)]
pub(crate) struct Objects {
    kinds: BTreeMap<String, Vec<Value>>,
    /// How many ids [`Objects::fresh_id`] handed out.
    issued: u64,
    /// Each task's history (`TaskAuditView`s), oldest first, by task id.
    pub(crate) history: BTreeMap<String, Vec<Value>>,
    /// Who holds which entitlement (see `grants.rs`), oldest first.
    pub(crate) grants: Vec<Value>,
}

impl Objects {
    /// The objects of `kind`, oldest first.
    pub(crate) fn all(&self, kind: &str) -> &[Value] {
        self.kinds.get(kind).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn get(&self, kind: &str, id: &str) -> Option<&Value> {
        self.all(kind).iter().find(|o| id_of(o) == Some(id))
    }

    pub(crate) fn get_mut(&mut self, kind: &str, id: &str) -> Option<&mut Value> {
        self.kinds
            .get_mut(kind)?
            .iter_mut()
            .find(|o| id_of(o) == Some(id))
    }

    /// Store `object`, replacing the one with its id; it must be an object with an `id`.
    pub(crate) fn put(&mut self, kind: &str, object: Value) -> Result<(), String> {
        let id = id_of(&object)
            .ok_or_else(|| format!("{} needs a non-empty string \"id\"", short(kind)))?
            .to_owned();
        match self.get_mut(kind, &id) {
            Some(old) => *old = object,
            None => self.kinds.entry(kind.to_owned()).or_default().push(object),
        }
        Ok(())
    }

    pub(crate) fn remove(&mut self, kind: &str, id: &str) -> Option<Value> {
        let list = self.kinds.get_mut(kind)?;
        let at = list.iter().position(|o| id_of(o) == Some(id))?;
        Some(list.remove(at))
    }

    /// A new id in ConductorOne's shape (27 base62 characters), never handed out before
    /// by this store and deterministic, so test runs repeat.
    pub(crate) fn fresh_id(&mut self) -> String {
        loop {
            self.issued += 1;
            let id = ksuid_like(self.issued);
            if !self.kinds.values().flatten().any(|o| id_of(o) == Some(&id)) {
                return id;
            }
        }
    }

    /// Every family's objects, by schema name (the seed's `objects` shape).
    pub(crate) fn export(&self) -> BTreeMap<String, Vec<Value>> {
        self.kinds.clone()
    }
}

/// An object's non-empty string `id`.
pub(crate) fn id_of(object: &Value) -> Option<&str> {
    object
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// `c1.api.app.v1.App` -> `App`, for messages.
pub(crate) fn short(kind: &str) -> &str {
    kind.rsplit('.').next().unwrap_or(kind)
}

/// 27 base62 characters from a counter, spread by splitmix64 so consecutive ids differ
/// everywhere, as real ones do.
fn ksuid_like(n: u64) -> String {
    const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut out = String::from("2");
    for block in 0..3u64 {
        // 62^9 < 2^64: nine characters from each 64-bit block.
        let mut z = mix(n ^ block.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        for _ in 0..9 {
            if out.len() == 27 {
                break;
            }
            out.push(char::from(BASE62[(z % 62) as usize]));
            z /= 62;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_are_fresh_and_shaped_like_c1_ids() {
        let mut objects = Objects::default();
        let a = objects.fresh_id();
        objects.put(APP, json!({ "id": a })).unwrap();
        let b = objects.fresh_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 27);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn put_replaces_by_id_and_keeps_order() {
        let mut objects = Objects::default();
        objects.put(APP, json!({ "id": "a", "n": 1 })).unwrap();
        objects.put(APP, json!({ "id": "b" })).unwrap();
        objects.put(APP, json!({ "id": "a", "n": 2 })).unwrap();
        let ids: Vec<_> = objects.all(APP).iter().filter_map(id_of).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(objects.get(APP, "a").unwrap()["n"], 2);
        assert!(objects.put(APP, json!({ "id": "" })).is_err());
        assert_eq!(objects.remove(APP, "a").unwrap()["n"], 2);
        assert!(objects.get(APP, "a").is_none());
    }
}
