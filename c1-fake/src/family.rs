//! The stateful answer of an operation in a resource family (see c1-codegen's
//! `families.rs`): create keeps the request's fields under a fresh id, get answers the
//! stored object or 404, lists and searches answer the stored objects (the searches
//! through their filters), update applies the update mask, delete removes, and the other
//! calls on one object (a task's approve, ...) answer it after their effect.

use serde_json::{Map, Value, json};

use crate::catalog::{Kind, Role, Schema, schema};
use crate::objects::{Objects, short};
use crate::status::ApiError;
use crate::template::Params;
use crate::{filters, grants, tasks};

/// One call on a family, after its body and query were checked.
pub(crate) struct FamilyCall<'a> {
    pub(crate) op_id: &'static str,
    pub(crate) role: &'static Role,
    pub(crate) params: &'a Params,
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: &'a Value,
    /// The answer's items field, for a list.
    pub(crate) items: Option<&'static str>,
    pub(crate) schemas: &'static [Schema],
    pub(crate) now: &'a str,
}

/// The whole answer (every matching object, for a list: the caller cuts the page).
pub(crate) fn answer(objects: &mut Objects, call: &FamilyCall<'_>) -> Result<Value, ApiError> {
    let role = call.role;
    let kind = role.entity;
    match role.kind {
        Kind::Create => {
            let mut object = owned_fields(call, fields_in(call.body, role.body_at));
            let id = objects.fresh_id();
            object.insert("id".into(), json!(id));
            for (param, field) in role.scope {
                object.insert((*field).into(), json!(param_value(call, param)));
            }
            stamp(call, &mut object, &["createdAt", "updatedAt"]);
            let mut object = Value::Object(object);
            if kind == crate::objects::TASK {
                tasks::opened(&mut object, call.op_id, call.body);
            }
            objects
                .put(kind, object.clone())
                .map_err(ApiError::invalid)?;
            Ok(wrap(role.entity_at, object))
        }
        Kind::Get => Ok(wrap(role.entity_at, found(objects, call)?.clone())),
        Kind::List | Kind::Search => {
            let items: Vec<Value> = objects
                .all(kind)
                .iter()
                .filter(|o| in_scope(call, o))
                .filter(|o| filters::keep(call.op_id, call.body, call.query, o))
                .map(|o| wrap(role.entity_at, o.clone()))
                .collect();
            let field = call.items.unwrap_or("list");
            Ok(json!({ field: items, "nextPageToken": "" }))
        }
        Kind::Update => {
            found(objects, call)?;
            let patch = owned_fields(call, fields_in(call.body, role.body_at));
            let mask = role
                .mask
                .and_then(|m| call.body.get(m))
                .and_then(Value::as_str)
                .filter(|m| !m.trim().is_empty());
            let schema = schema(call.schemas, kind);
            let stored = found_mut(objects, call)?;
            let Value::Object(object) = stored else {
                return Err(ApiError::invalid("the stored object is not an object"));
            };
            match mask {
                Some(mask) => apply_mask(object, &patch, mask, schema)?,
                None if role.mask.is_some() => object.extend(patch),
                None => {
                    let keep: Map<String, Value> = object
                        .iter()
                        .filter(|(k, _)| is_identity(call.role, k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    *object = patch;
                    object.extend(keep);
                }
            }
            stamp(call, object, &["updatedAt"]);
            Ok(wrap(role.entity_at, stored.clone()))
        }
        Kind::Delete => {
            found(objects, call)?;
            objects.remove(kind, id_param(call)?);
            Ok(json!({}))
        }
        Kind::Act => {
            let entry_id = objects.fresh_id();
            let object = found_mut(objects, call)?;
            if kind != crate::objects::TASK {
                return Ok(wrap(role.entity_at, object.clone()));
            }
            tasks::act(object, call.op_id, call.body, call.now)?;
            let task = object.clone();
            if matches!(
                call.op_id.rsplit('.').next(),
                Some("Approve" | "ApproveWithStepUp")
            ) {
                grants::on_approval(objects, &task, call.now);
            }
            let entry = tasks::audit_entry(entry_id, &task, call.body, call.now);
            let id = id_param(call)?.to_owned();
            objects.history.entry(id).or_default().push(entry);
            Ok(wrap(role.entity_at, task))
        }
    }
}

/// The request's object: the body itself, or the field `body_at` names.
fn fields_in<'v>(body: &'v Value, at: Option<&[&str]>) -> Option<&'v Map<String, Value>> {
    let mut value = body;
    for step in at.unwrap_or_default() {
        value = value.get(step)?;
    }
    value.as_object()
}

/// The fields of `fields` that the family's object has (a create's `validateOnly` is not
/// stored), without the server-owned id and timestamps, and without `null`s.
fn owned_fields(call: &FamilyCall<'_>, fields: Option<&Map<String, Value>>) -> Map<String, Value> {
    let Some(schema) = schema(call.schemas, call.role.entity) else {
        return Map::new();
    };
    fields
        .into_iter()
        .flatten()
        .filter(|(k, v)| {
            !v.is_null()
                && !matches!(k.as_str(), "id" | "createdAt" | "updatedAt" | "deletedAt")
                && schema.fields.iter().any(|f| f.name == k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Fields an update never replaces: the id, the path's scope and the creation time.
fn is_identity(role: &Role, field: &str) -> bool {
    field == "id" || field == "createdAt" || role.scope.iter().any(|(_, f)| *f == field)
}

/// Set the listed timestamps the object's schema has to now.
fn stamp(call: &FamilyCall<'_>, object: &mut Map<String, Value>, names: &[&str]) {
    let Some(schema) = schema(call.schemas, call.role.entity) else {
        return;
    };
    for name in names {
        if schema.fields.iter().any(|f| f.name == *name) {
            object.insert((*name).into(), json!(call.now));
        }
    }
}

/// An update mask (`displayName,description` or `display_name`): each path takes the
/// patch's value, or is cleared when the patch leaves it out; `*` replaces every field.
fn apply_mask(
    object: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    mask: &str,
    schema: Option<&Schema>,
) -> Result<(), ApiError> {
    let paths: Vec<&str> = mask
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if paths.contains(&"*") {
        object.extend(patch.clone());
        return Ok(());
    }
    // Every path is checked before any is applied, so a refused mask changes nothing.
    for path in &paths {
        let wire = camel(path);
        let known = schema.is_none_or(|s| s.fields.iter().any(|f| f.name == wire));
        if !known || matches!(wire.as_str(), "id" | "createdAt") {
            return Err(ApiError::invalid(format!(
                "update mask names `{path}`, which is not a field that can be updated"
            )));
        }
    }
    for path in paths {
        let wire = camel(path);
        match patch.get(&wire) {
            Some(v) => object.insert(wire, v.clone()),
            None => object.remove(&wire),
        };
    }
    Ok(())
}

/// `display_name` -> `displayName`; camelCase passes through.
fn camel(path: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in path.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// `{"userView": {"user": object}}` for `entity_at` `["userView", "user"]`.
fn wrap(at: &[&str], object: Value) -> Value {
    at.iter()
        .rev()
        .fold(object, |inner, step| json!({ *step: inner }))
}

fn param_value<'p>(call: &FamilyCall<'p>, name: &str) -> &'p str {
    call.params
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn id_param<'p>(call: &FamilyCall<'p>) -> Result<&'p str, ApiError> {
    let name = call.role.id_param.unwrap_or("id");
    Ok(param_value(call, name))
}

/// Whether the object sits under the path's scope (`{app_id}` is its `appId`).
fn in_scope(call: &FamilyCall<'_>, object: &Value) -> bool {
    call.role.scope.iter().all(|(param, field)| {
        object.get(*field).and_then(Value::as_str) == Some(param_value(call, param))
    })
}

fn not_found(call: &FamilyCall<'_>, id: &str) -> ApiError {
    ApiError::not_found(format!("{} {id:?} not found", short(call.role.entity)))
}

/// The object the path names, in its scope, or 404.
fn found<'o>(objects: &'o Objects, call: &FamilyCall<'_>) -> Result<&'o Value, ApiError> {
    let id = id_param(call)?;
    objects
        .get(call.role.entity, id)
        .filter(|o| in_scope(call, o))
        .ok_or_else(|| not_found(call, id))
}

fn found_mut<'o>(
    objects: &'o mut Objects,
    call: &FamilyCall<'_>,
) -> Result<&'o mut Value, ApiError> {
    found(objects, call)?;
    let id = id_param(call)?;
    objects
        .get_mut(call.role.entity, id)
        .ok_or_else(|| not_found(call, id))
}

#[cfg(test)]
#[path = "family_tests.rs"]
mod tests;
