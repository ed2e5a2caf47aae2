//! The tenant's data: the stored objects of every resource family (users, apps, app
//! entitlements, tasks, ...), connectors and their owners.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::objects::{self, Objects};
use crate::status::ApiError;

/// The default seed, `c1-fake/seed/default.json`.
pub const DEFAULT_SEED: &str = include_str!("../seed/default.json");

/// Page size when none (or 0) is asked for.
pub const DEFAULT_PAGE_SIZE: usize = 25;
/// Smallest page size; smaller requests are raised to it.
pub const MIN_PAGE_SIZE: usize = 10;
/// Largest page size; larger requests are lowered to it.
pub const MAX_PAGE_SIZE: usize = 100;

/// The seed document, in the same camelCase JSON as the API.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Seed {
    #[serde(default)]
    users: Vec<Value>,
    #[serde(default)]
    apps: Vec<Value>,
    #[serde(default)]
    app_entitlements: Vec<Value>,
    #[serde(default)]
    tasks: Vec<Value>,
    /// Who holds which entitlement: `{appId, appEntitlementId, appUserId, userId,
    /// createdAt?, originatingTicketId?}`.
    #[serde(default)]
    grants: Vec<Value>,
    /// Any family's objects, by its schema name (`c1.api.app.v1.App`).
    #[serde(default)]
    objects: BTreeMap<String, Vec<Value>>,
    #[serde(default)]
    connectors: Vec<SeedConnector>,
    #[serde(default)]
    user_owners: Vec<SeedUserOwner>,
    #[serde(default)]
    entitlement_owners: Vec<SeedEntitlementOwner>,
    /// Serve `null` for every unset field (see [`crate::FakeC1Builder::nulls`]).
    #[serde(default)]
    nulls: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedConnector {
    app_id: String,
    connector_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedUserOwner {
    app_id: String,
    connector_id: String,
    role_slug: String,
    user_id: String,
    created_at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedEntitlementOwner {
    app_id: String,
    connector_id: String,
    role_slug: String,
    app_entitlement_app_id: String,
    app_entitlement_id: String,
    created_at: Option<String>,
}

/// Owners of one connector, keyed so iteration order is stable (role, then ids).
#[derive(Debug, Default, Clone)]
pub(crate) struct ConnectorOwners {
    /// (role slug, user id) → createdAt.
    users: BTreeMap<(String, String), String>,
    /// (role slug, entitlement app id, entitlement id) → createdAt.
    entitlements: BTreeMap<(String, String, String), String>,
}

/// The whole mutable tenant.
#[derive(Debug, Default)]
pub(crate) struct Store {
    /// Every family's objects; users and app entitlements are also the owners' referents.
    pub(crate) objects: Objects,
    connectors: BTreeMap<(String, String), ConnectorOwners>,
    /// Nulls mode: every unset field of an answer is written as `null`.
    pub(crate) nulls: bool,
}

/// Now, RFC 3339 in UTC with whole seconds, e.g. `2024-05-01T12:00:00Z`.
pub(crate) fn timestamp_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn string_field<'v>(v: &'v Value, name: &str) -> Option<&'v str> {
    v.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

impl Store {
    /// Build a store from a seed document.
    pub(crate) fn from_seed(seed: Value) -> Result<Store, String> {
        let seed: Seed = serde_json::from_value(seed).map_err(|e| format!("invalid seed: {e}"))?;
        let mut store = Store {
            nulls: seed.nulls,
            ..Store::default()
        };
        for user in seed.users {
            store.add_user(user)?;
        }
        for app in seed.apps {
            store.objects.put(objects::APP, app)?;
        }
        for ent in seed.app_entitlements {
            store.add_entitlement(ent)?;
        }
        for task in seed.tasks {
            store.objects.put(objects::TASK, task)?;
        }
        store.objects.grants = seed.grants;
        for (kind, list) in seed.objects {
            for object in list {
                store.objects.put(&kind, object)?;
            }
        }
        for c in seed.connectors {
            store.add_connector(&c.app_id, &c.connector_id);
        }
        for o in seed.user_owners {
            if store.objects.get(objects::USER, &o.user_id).is_none() {
                return Err(format!(
                    "invalid seed: owner refers to unknown user {:?}",
                    o.user_id
                ));
            }
            let created = o.created_at.unwrap_or_else(timestamp_now);
            store
                .connector_entry(&o.app_id, &o.connector_id)
                .users
                .insert((o.role_slug, o.user_id), created);
        }
        for o in seed.entitlement_owners {
            let key = (o.app_entitlement_app_id, o.app_entitlement_id);
            if store.entitlement(&key.0, &key.1).is_err() {
                return Err(format!(
                    "invalid seed: owner refers to unknown app entitlement {key:?}"
                ));
            }
            let created = o.created_at.unwrap_or_else(timestamp_now);
            store
                .connector_entry(&o.app_id, &o.connector_id)
                .entitlements
                .insert((o.role_slug, key.0, key.1), created);
        }
        Ok(store)
    }

    fn connector_entry(&mut self, app_id: &str, connector_id: &str) -> &mut ConnectorOwners {
        self.connectors
            .entry((app_id.to_owned(), connector_id.to_owned()))
            .or_default()
    }

    /// Add (or replace) a directory user; it must be an object with a non-empty `id`.
    pub(crate) fn add_user(&mut self, user: Value) -> Result<(), String> {
        string_field(&user, "id").ok_or("a user needs a non-empty string \"id\"")?;
        self.objects.put(objects::USER, user)
    }

    /// Add (or replace) an app entitlement; it needs non-empty `appId` and `id`.
    pub(crate) fn add_entitlement(&mut self, ent: Value) -> Result<(), String> {
        string_field(&ent, "appId").ok_or("an app entitlement needs a non-empty \"appId\"")?;
        string_field(&ent, "id").ok_or("an app entitlement needs a non-empty \"id\"")?;
        self.objects.put(objects::APP_ENTITLEMENT, ent)
    }

    /// The store as a seed document, which [`Store::from_seed`] reads back to an equal store.
    pub(crate) fn to_seed(&self) -> Value {
        let mut connectors = Vec::new();
        let mut user_owners = Vec::new();
        let mut entitlement_owners = Vec::new();
        for ((app_id, connector_id), owners) in &self.connectors {
            connectors.push(json!({ "appId": app_id, "connectorId": connector_id }));
            for ((role, user_id), created) in &owners.users {
                user_owners.push(json!({
                    "appId": app_id, "connectorId": connector_id, "roleSlug": role,
                    "userId": user_id, "createdAt": created,
                }));
            }
            for ((role, ent_app, ent_id), created) in &owners.entitlements {
                entitlement_owners.push(json!({
                    "appId": app_id, "connectorId": connector_id, "roleSlug": role,
                    "appEntitlementAppId": ent_app, "appEntitlementId": ent_id,
                    "createdAt": created,
                }));
            }
        }
        json!({
            "objects": self.objects.export(),
            "grants": self.objects.grants,
            "connectors": connectors,
            "userOwners": user_owners,
            "entitlementOwners": entitlement_owners,
            "nulls": self.nulls,
        })
    }

    /// Register a connector (no-op when it exists).
    pub(crate) fn add_connector(&mut self, app_id: &str, connector_id: &str) {
        self.connector_entry(app_id, connector_id);
    }

    /// The owners of a connector, or 404.
    fn connector(&self, app_id: &str, connector_id: &str) -> Result<&ConnectorOwners, ApiError> {
        self.connectors
            .get(&(app_id.to_owned(), connector_id.to_owned()))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "connector {connector_id:?} of app {app_id:?} not found"
                ))
            })
    }

    fn connector_mut(
        &mut self,
        app_id: &str,
        connector_id: &str,
    ) -> Result<&mut ConnectorOwners, ApiError> {
        self.connectors
            .get_mut(&(app_id.to_owned(), connector_id.to_owned()))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "connector {connector_id:?} of app {app_id:?} not found"
                ))
            })
    }

    fn user(&self, id: &str) -> Result<&Value, ApiError> {
        self.objects
            .get(objects::USER, id)
            .ok_or_else(|| ApiError::not_found(format!("user {id:?} not found")))
    }

    fn entitlement(&self, app_id: &str, id: &str) -> Result<&Value, ApiError> {
        self.objects
            .get(objects::APP_ENTITLEMENT, id)
            .filter(|e| string_field(e, "appId") == Some(app_id))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "app entitlement {id:?} of app {app_id:?} not found"
                ))
            })
    }

    fn user_owner_json(&self, at: &Conn<'_>, role: &str, user_id: &str, created_at: &str) -> Value {
        let mut owner = json!({
            "appId": at.app_id,
            "connectorId": at.connector_id,
            "roleSlug": role,
            "createdAt": created_at,
            "user": self.user(user_id).cloned().unwrap_or_else(|_| json!({ "id": user_id })),
        });
        if self.nulls {
            crate::catalog::fill_nulls_of("c1.api.app.v2.ConnectorOwnerUser", &mut owner);
        }
        owner
    }

    fn entitlement_owner_json(
        &self,
        at: &Conn<'_>,
        role: &str,
        app_id: &str,
        id: &str,
        created_at: &str,
    ) -> Value {
        let ent = self
            .entitlement(app_id, id)
            .cloned()
            .unwrap_or_else(|_| json!({ "appId": app_id, "id": id }));
        let mut owner = json!({
            "appId": at.app_id,
            "connectorId": at.connector_id,
            "roleSlug": role,
            "createdAt": created_at,
            "appEntitlement": ent,
        });
        if self.nulls {
            crate::catalog::fill_nulls_of("c1.api.app.v2.ConnectorOwnerEntitlement", &mut owner);
        }
        owner
    }

    /// Set: replace the user and entitlement owners of `role` on a connector.
    pub(crate) fn set_owners(
        &mut self,
        at: &Conn<'_>,
        role: &str,
        user_ids: &[String],
        ents: &[(String, String)],
    ) -> Result<(), ApiError> {
        self.connector(at.app_id, at.connector_id)?;
        for id in user_ids {
            self.user(id)?;
        }
        for (app_id, id) in ents {
            self.entitlement(app_id, id)?;
        }
        let now = timestamp_now();
        let owners = self.connector_mut(at.app_id, at.connector_id)?;
        let mut users = BTreeMap::new();
        for id in user_ids {
            let key = (role.to_owned(), id.clone());
            let created = owners
                .users
                .get(&key)
                .cloned()
                .unwrap_or_else(|| now.clone());
            users.insert(key, created);
        }
        let mut entitlements = BTreeMap::new();
        for (app_id, id) in ents {
            let key = (role.to_owned(), app_id.clone(), id.clone());
            let created = owners
                .entitlements
                .get(&key)
                .cloned()
                .unwrap_or_else(|| now.clone());
            entitlements.insert(key, created);
        }
        owners.users.retain(|(r, _), _| r != role);
        owners.users.extend(users);
        owners.entitlements.retain(|(r, _, _), _| r != role);
        owners.entitlements.extend(entitlements);
        Ok(())
    }

    /// SearchUserOwners: one page of user owners (optionally of one role), after `after`.
    pub(crate) fn search_user_owners(
        &self,
        at: &Conn<'_>,
        role: Option<&str>,
        after: Option<&[String]>,
        size: usize,
    ) -> Result<(Vec<Value>, Option<Vec<String>>), ApiError> {
        let owners = self.connector(at.app_id, at.connector_id)?;
        let mut matching = owners
            .users
            .iter()
            .filter(|((r, _), _)| role.is_none_or(|role| r == role))
            .filter(|((r, u), _)| {
                after.is_none_or(|a| [r.as_str(), u.as_str()] > [a[0].as_str(), a[1].as_str()])
            });
        let page: Vec<_> = matching.by_ref().take(size).collect();
        let more = matching.next().is_some();
        let next = if more {
            page.last().map(|((r, u), _)| vec![r.clone(), u.clone()])
        } else {
            None
        };
        let list = page
            .into_iter()
            .map(|((r, u), c)| self.user_owner_json(at, r, u, c))
            .collect();
        Ok((list, next))
    }

    /// GetUserOwner.
    pub(crate) fn get_user_owner(
        &self,
        at: &Conn<'_>,
        role: &str,
        user_id: &str,
    ) -> Result<Value, ApiError> {
        let owners = self.connector(at.app_id, at.connector_id)?;
        let created = owners
            .users
            .get(&(role.to_owned(), user_id.to_owned()))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "user {user_id:?} is not a {role:?} owner of this connector"
                ))
            })?;
        Ok(self.user_owner_json(at, role, user_id, created))
    }

    /// CreateUserOwner.
    pub(crate) fn create_user_owner(
        &mut self,
        at: &Conn<'_>,
        role: &str,
        user_id: &str,
    ) -> Result<Value, ApiError> {
        self.connector(at.app_id, at.connector_id)?;
        self.user(user_id)?;
        let key = (role.to_owned(), user_id.to_owned());
        let owners = self.connector_mut(at.app_id, at.connector_id)?;
        if owners.users.contains_key(&key) {
            return Err(ApiError::already_exists(format!(
                "user {user_id:?} is already a {role:?} owner"
            )));
        }
        owners.users.insert(key, timestamp_now());
        self.get_user_owner(at, role, user_id)
    }

    /// DeleteUserOwner.
    pub(crate) fn delete_user_owner(
        &mut self,
        at: &Conn<'_>,
        role: &str,
        user_id: &str,
    ) -> Result<(), ApiError> {
        let owners = self.connector_mut(at.app_id, at.connector_id)?;
        owners
            .users
            .remove(&(role.to_owned(), user_id.to_owned()))
            .map(|_| ())
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "user {user_id:?} is not a {role:?} owner of this connector"
                ))
            })
    }

    /// SearchEntitlementOwners: one page of entitlement owners (optionally of one role), after `after`.
    pub(crate) fn search_entitlement_owners(
        &self,
        at: &Conn<'_>,
        role: Option<&str>,
        after: Option<&[String]>,
        size: usize,
    ) -> Result<(Vec<Value>, Option<Vec<String>>), ApiError> {
        let owners = self.connector(at.app_id, at.connector_id)?;
        let mut matching = owners
            .entitlements
            .iter()
            .filter(|((r, _, _), _)| role.is_none_or(|role| r == role))
            .filter(|((r, a, e), _)| {
                after.is_none_or(|k| {
                    [r.as_str(), a.as_str(), e.as_str()]
                        > [k[0].as_str(), k[1].as_str(), k[2].as_str()]
                })
            });
        let page: Vec<_> = matching.by_ref().take(size).collect();
        let more = matching.next().is_some();
        let next = if more {
            page.last()
                .map(|((r, a, e), _)| vec![r.clone(), a.clone(), e.clone()])
        } else {
            None
        };
        let list = page
            .into_iter()
            .map(|((r, a, e), c)| self.entitlement_owner_json(at, r, a, e, c))
            .collect();
        Ok((list, next))
    }

    /// GetEntitlementOwner.
    pub(crate) fn get_entitlement_owner(
        &self,
        at: &Conn<'_>,
        role: &str,
        app_id: &str,
        id: &str,
    ) -> Result<Value, ApiError> {
        let owners = self.connector(at.app_id, at.connector_id)?;
        let created = owners
            .entitlements
            .get(&(role.to_owned(), app_id.to_owned(), id.to_owned()))
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "entitlement {id:?} of app {app_id:?} is not a {role:?} owner"
                ))
            })?;
        Ok(self.entitlement_owner_json(at, role, app_id, id, created))
    }

    /// CreateEntitlementOwner.
    pub(crate) fn create_entitlement_owner(
        &mut self,
        at: &Conn<'_>,
        role: &str,
        app_id: &str,
        id: &str,
    ) -> Result<Value, ApiError> {
        self.connector(at.app_id, at.connector_id)?;
        self.entitlement(app_id, id)?;
        let key = (role.to_owned(), app_id.to_owned(), id.to_owned());
        let owners = self.connector_mut(at.app_id, at.connector_id)?;
        if owners.entitlements.contains_key(&key) {
            return Err(ApiError::already_exists(format!(
                "entitlement {id:?} is already a {role:?} owner"
            )));
        }
        owners.entitlements.insert(key, timestamp_now());
        self.get_entitlement_owner(at, role, app_id, id)
    }

    /// DeleteEntitlementOwner.
    pub(crate) fn delete_entitlement_owner(
        &mut self,
        at: &Conn<'_>,
        role: &str,
        app_id: &str,
        id: &str,
    ) -> Result<(), ApiError> {
        let owners = self.connector_mut(at.app_id, at.connector_id)?;
        owners
            .entitlements
            .remove(&(role.to_owned(), app_id.to_owned(), id.to_owned()))
            .map(|_| ())
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "entitlement {id:?} of app {app_id:?} is not a {role:?} owner"
                ))
            })
    }

    /// The user ids owning `role` (or any role) on a connector, in order; empty for an unknown connector.
    pub(crate) fn user_owner_ids(
        &self,
        app_id: &str,
        connector_id: &str,
        role: Option<&str>,
    ) -> Vec<String> {
        self.connector(app_id, connector_id)
            .map(|o| {
                o.users
                    .keys()
                    .filter(|(r, _)| role.is_none_or(|x| x == r))
                    .map(|(_, u)| u.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The (app id, entitlement id) pairs owning `role` (or any role) on a connector, in order.
    pub(crate) fn entitlement_owner_ids(
        &self,
        app_id: &str,
        connector_id: &str,
        role: Option<&str>,
    ) -> Vec<(String, String)> {
        self.connector(app_id, connector_id)
            .map(|o| {
                o.entitlements
                    .keys()
                    .filter(|(r, _, _)| role.is_none_or(|x| x == r))
                    .map(|(_, a, e)| (a.clone(), e.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The connector a request is about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Conn<'a> {
    pub(crate) app_id: &'a str,
    pub(crate) connector_id: &'a str,
}
