//! ConnectorOwnersV2: the nine operations under `/api/v2/apps/{app_id}/connectors/{connector_id}/owners`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, put};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::Shared;
use crate::state::{Conn, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE};
use crate::status::ApiError;

/// The route prefix of ConnectorOwnersV2.
pub(crate) const PREFIX: &str = "/api/v2/apps/{app_id}/connectors/{connector_id}/owners";

type Params = Result<Path<HashMap<String, String>>, PathRejection>;
type JsonResult = Result<axum::Json<Value>, ApiError>;

/// The ConnectorOwnersV2 routes.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(PREFIX, put(set))
        .route(&format!("{PREFIX}/users"), get(search_users))
        .route(&format!("{PREFIX}/users/{{role_slug}}/{{user_ref_id}}"), get(get_user).post(create_user).delete(delete_user))
        .route(&format!("{PREFIX}/entitlements"), get(search_entitlements))
        .route(
            &format!("{PREFIX}/entitlements/{{role_slug}}/{{app_entitlement_ref_app_id}}/{{app_entitlement_ref_id}}"),
            get(get_entitlement).post(create_entitlement).delete(delete_entitlement),
        )
}

/// Decoded path parameters (axum percent-decodes each segment).
struct P(HashMap<String, String>);

impl P {
    fn new(params: Params) -> Result<P, ApiError> {
        let Path(map) =
            params.map_err(|e| ApiError::invalid(format!("invalid path parameter: {e}")))?;
        Ok(P(map))
    }

    fn get(&self, name: &str) -> Result<&str, ApiError> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::invalid(format!("missing path parameter {name}")))
    }

    fn conn(&self) -> Result<Conn<'_>, ApiError> {
        Ok(Conn {
            app_id: self.get("app_id")?,
            connector_id: self.get("connector_id")?,
        })
    }
}

/// Parse a JSON request body; an empty body is `{}`.
fn body_object(body: &Bytes) -> Result<serde_json::Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(Value::Null) => Ok(serde_json::Map::new()),
        Ok(_) => Err(ApiError::invalid("request body must be a JSON object")),
        Err(e) => Err(ApiError::invalid(format!(
            "malformed JSON request body: {e}"
        ))),
    }
}

/// An optional string field of a JSON object (`null` is absent).
fn opt_str<'v>(
    obj: &'v serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<&'v str>, ApiError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid(format!("field {name} must be a string"))),
    }
}

/// An optional object field (`null` is absent).
fn opt_obj<'v>(
    obj: &'v serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<&'v serde_json::Map<String, Value>>, ApiError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(ApiError::invalid(format!("field {name} must be an object"))),
    }
}

/// An optional array-of-objects field (`null` is empty).
fn opt_objs<'v>(
    obj: &'v serde_json::Map<String, Value>,
    name: &str,
) -> Result<Vec<&'v serde_json::Map<String, Value>>, ApiError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_object()
                    .ok_or_else(|| ApiError::invalid(format!("items of {name} must be objects")))
            })
            .collect(),
        Some(_) => Err(ApiError::invalid(format!("field {name} must be an array"))),
    }
}

/// List query parameters: page size (clamped), page token, role filter.
struct ListQuery {
    size: usize,
    token: Option<String>,
    role: Option<String>,
}

fn list_query(raw: Option<&str>) -> Result<ListQuery, ApiError> {
    let mut q = ListQuery {
        size: DEFAULT_PAGE_SIZE,
        token: None,
        role: None,
    };
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "page_size" | "pageSize" if !v.is_empty() => {
                let n: i32 = v.parse().map_err(|_| {
                    ApiError::invalid(format!(
                        "invalid value for page_size: {v:?} is not an int32"
                    ))
                })?;
                q.size = match n {
                    n if n < 0 => return Err(ApiError::invalid("page_size must not be negative")),
                    0 => DEFAULT_PAGE_SIZE,
                    n => (n as usize).clamp(MIN_PAGE_SIZE, MAX_PAGE_SIZE),
                };
            }
            "page_token" | "pageToken" if !v.is_empty() => q.token = Some(v.into_owned()),
            "role_slug" | "roleSlug" if !v.is_empty() => q.role = Some(v.into_owned()),
            _ => {}
        }
    }
    Ok(q)
}

/// Encode an opaque page token: where the next page starts, for which list and filter.
fn encode_token(kind: &str, role: Option<&str>, after: Vec<String>) -> String {
    URL_SAFE_NO_PAD
        .encode(json!({ "v": 1, "k": kind, "r": role.unwrap_or(""), "a": after }).to_string())
}

/// Decode a page token issued for this list and filter.
fn decode_token(
    token: &str,
    kind: &str,
    role: Option<&str>,
    parts: usize,
) -> Result<Vec<String>, ApiError> {
    let bad = || ApiError::invalid("invalid page_token");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if v["v"] != 1 || v["k"] != kind {
        return Err(bad());
    }
    if v["r"].as_str() != Some(role.unwrap_or("")) {
        return Err(ApiError::invalid("page_token does not match role_slug"));
    }
    let after: Vec<String> = v["a"]
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|s| s.as_str().map(str::to_owned).ok_or_else(bad))
        .collect::<Result<_, _>>()?;
    if after.len() != parts {
        return Err(bad());
    }
    Ok(after)
}

/// PUT `P`: Set, replacing the owners of `roleSlug`.
async fn set(State(shared): State<Arc<Shared>>, params: Params, body: Bytes) -> JsonResult {
    let p = P::new(params)?;
    let at = p.conn()?;
    let obj = body_object(&body)?;
    let role = opt_str(&obj, "roleSlug")?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::invalid("roleSlug is required"))?;
    let mut users = Vec::new();
    for r in opt_objs(&obj, "userRefs")? {
        let id = opt_str(r, "id")?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::invalid("userRefs[].id is required"))?;
        if !users.iter().any(|u| u == id) {
            users.push(id.to_owned());
        }
    }
    let mut ents = Vec::new();
    for r in opt_objs(&obj, "appEntitlementRefs")? {
        let app = opt_str(r, "appId")?.filter(|s| !s.is_empty());
        let id = opt_str(r, "id")?.filter(|s| !s.is_empty());
        let (Some(app), Some(id)) = (app, id) else {
            return Err(ApiError::invalid("appEntitlementRefs[] need appId and id"));
        };
        let pair = (app.to_owned(), id.to_owned());
        if !ents.contains(&pair) {
            ents.push(pair);
        }
    }
    shared.store().set_owners(&at, role, &users, &ents)?;
    Ok(axum::Json(json!({})))
}

/// GET `P/users`: SearchUserOwners.
async fn search_users(
    State(shared): State<Arc<Shared>>,
    params: Params,
    RawQuery(raw): RawQuery,
) -> JsonResult {
    search(
        &shared,
        params,
        raw,
        "users",
        2,
        crate::state::Store::search_user_owners,
    )
}

/// How the store lists one kind of owner: (items, key of the last one if more follow).
type SearchFn = fn(
    &crate::state::Store,
    &crate::state::Conn<'_>,
    Option<&str>,
    Option<&[String]>,
    usize,
) -> Result<(Vec<Value>, Option<Vec<String>>), ApiError>;

/// One page of a search: `kind` and `key_len` bind page tokens to their list.
fn search(
    shared: &Shared,
    params: Params,
    raw: Option<String>,
    kind: &str,
    key_len: usize,
    list: SearchFn,
) -> JsonResult {
    let p = P::new(params)?;
    let at = p.conn()?;
    let q = list_query(raw.as_deref())?;
    let role = q.role.as_deref();
    let after = q
        .token
        .as_deref()
        .map(|t| decode_token(t, kind, role, key_len))
        .transpose()?;
    let store = shared.store();
    let (items, next) = list(&store, &at, role, after.as_deref(), q.size)?;
    // The last page's token is unset: `""`, or `null` in nulls mode.
    let next = match next {
        Some(after) => Value::String(encode_token(kind, role, after)),
        None if store.nulls => Value::Null,
        None => Value::String(String::new()),
    };
    Ok(axum::Json(json!({ "list": items, "nextPageToken": next })))
}

/// Check that a body's `userRef.id`, when given, matches the path.
fn check_user_ref(body: &Bytes, user_id: &str) -> Result<(), ApiError> {
    let obj = body_object(body)?;
    if let Some(r) = opt_obj(&obj, "userRef")?
        && let Some(id) = opt_str(r, "id")?.filter(|s| !s.is_empty())
        && id != user_id
    {
        return Err(ApiError::invalid(
            "userRef.id does not match the path's user_ref_id",
        ));
    }
    Ok(())
}

/// GET `P/users/{role_slug}/{user_ref_id}`: GetUserOwner.
async fn get_user(State(shared): State<Arc<Shared>>, params: Params) -> JsonResult {
    let p = P::new(params)?;
    let owner =
        shared
            .store()
            .get_user_owner(&p.conn()?, p.get("role_slug")?, p.get("user_ref_id")?)?;
    Ok(axum::Json(json!({ "connectorOwnerUser": owner })))
}

/// POST `P/users/{role_slug}/{user_ref_id}`: CreateUserOwner.
async fn create_user(State(shared): State<Arc<Shared>>, params: Params, body: Bytes) -> JsonResult {
    let p = P::new(params)?;
    let user_id = p.get("user_ref_id")?;
    check_user_ref(&body, user_id)?;
    let owner = shared
        .store()
        .create_user_owner(&p.conn()?, p.get("role_slug")?, user_id)?;
    Ok(axum::Json(json!({ "connectorOwnerUser": owner })))
}

/// DELETE `P/users/{role_slug}/{user_ref_id}`: DeleteUserOwner.
async fn delete_user(State(shared): State<Arc<Shared>>, params: Params, body: Bytes) -> JsonResult {
    let p = P::new(params)?;
    let user_id = p.get("user_ref_id")?;
    check_user_ref(&body, user_id)?;
    shared
        .store()
        .delete_user_owner(&p.conn()?, p.get("role_slug")?, user_id)?;
    Ok(axum::Json(json!({})))
}

/// GET `P/entitlements`: SearchEntitlementOwners.
async fn search_entitlements(
    State(shared): State<Arc<Shared>>,
    params: Params,
    RawQuery(raw): RawQuery,
) -> JsonResult {
    search(
        &shared,
        params,
        raw,
        "entitlements",
        3,
        crate::state::Store::search_entitlement_owners,
    )
}

/// The entitlement a path names: (role slug, entitlement app id, entitlement id).
fn ent_path(p: &P) -> Result<(&str, &str, &str), ApiError> {
    Ok((
        p.get("role_slug")?,
        p.get("app_entitlement_ref_app_id")?,
        p.get("app_entitlement_ref_id")?,
    ))
}

/// Check that a body's `appEntitlementRef`, when given, matches the path.
fn check_ent_ref(body: &Bytes, app_id: &str, id: &str) -> Result<(), ApiError> {
    let obj = body_object(body)?;
    if let Some(r) = opt_obj(&obj, "appEntitlementRef")? {
        if opt_str(r, "appId")?.is_some_and(|a| !a.is_empty() && a != app_id) {
            return Err(ApiError::invalid(
                "appEntitlementRef.appId does not match the path",
            ));
        }
        if opt_str(r, "id")?.is_some_and(|i| !i.is_empty() && i != id) {
            return Err(ApiError::invalid(
                "appEntitlementRef.id does not match the path",
            ));
        }
    }
    Ok(())
}

/// GET `P/entitlements/{role_slug}/{app_id}/{id}`: GetEntitlementOwner.
async fn get_entitlement(State(shared): State<Arc<Shared>>, params: Params) -> JsonResult {
    let p = P::new(params)?;
    let (role, app, id) = ent_path(&p)?;
    let owner = shared
        .store()
        .get_entitlement_owner(&p.conn()?, role, app, id)?;
    Ok(axum::Json(json!({ "connectorOwnerEntitlement": owner })))
}

/// POST `P/entitlements/{role_slug}/{app_id}/{id}`: CreateEntitlementOwner.
async fn create_entitlement(
    State(shared): State<Arc<Shared>>,
    params: Params,
    body: Bytes,
) -> JsonResult {
    let p = P::new(params)?;
    let (role, app, id) = ent_path(&p)?;
    check_ent_ref(&body, app, id)?;
    let owner = shared
        .store()
        .create_entitlement_owner(&p.conn()?, role, app, id)?;
    Ok(axum::Json(json!({ "connectorOwnerEntitlement": owner })))
}

/// DELETE `P/entitlements/{role_slug}/{app_id}/{id}`: DeleteEntitlementOwner.
async fn delete_entitlement(
    State(shared): State<Arc<Shared>>,
    params: Params,
    body: Bytes,
) -> JsonResult {
    let p = P::new(params)?;
    let (role, app, id) = ent_path(&p)?;
    check_ent_ref(&body, app, id)?;
    shared
        .store()
        .delete_entitlement_owner(&p.conn()?, role, app, id)?;
    Ok(axum::Json(json!({})))
}
