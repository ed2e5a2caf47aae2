//! Answers built from a response schema: every field filled (or `null` in nulls mode), and
//! `null` filled into a scripted answer's unset fields in nulls mode.

use serde_json::{Map, Value, json};

use super::{Schema, SchemaName, Ty, schema};

/// How deep an instance nests schemas; deeper fields are left unset, which also ends
/// recursive schemas (a schema already being built is not entered again).
pub(crate) const MAX_DEPTH: usize = 6;

/// How many items a built list answer holds: enough for several pages.
pub(crate) const BUILT_LIST_LEN: usize = 60;

/// An instance of schema `id` with every field set, or every field `null` in nulls mode.
pub(crate) fn instance(schemas: &[Schema], id: SchemaName, nulls: bool) -> Value {
    let mut stack = Vec::new();
    let mut out = object(schemas, id, nulls, &mut stack);
    fill_list(&mut out);
    out
}

/// A built `list` (one item) becomes [`BUILT_LIST_LEN`] copies of that item, their text
/// fields numbered (`displayName-1`, `displayName-2`, ...) so the items differ.
fn fill_list(out: &mut Value) {
    let Some(Value::Array(list)) = out.get_mut("list") else {
        return;
    };
    let Some(item) = list.pop() else {
        return;
    };
    *list = (1..=BUILT_LIST_LEN)
        .map(|n| {
            let mut copy = item.clone();
            number_text(&mut copy, n);
            copy
        })
        .collect();
}

/// Appends `-n` to the built text values in `value` (field-name strings), leaving enum
/// values, timestamps and other fixed texts as they are.
fn number_text(value: &mut Value, n: usize) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if v.as_str() == Some(key.as_str()) {
                    *v = Value::String(format!("{key}-{n}"));
                } else {
                    number_text(v, n);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| number_text(v, n)),
        _ => {}
    }
}

fn object(schemas: &[Schema], id: SchemaName, nulls: bool, stack: &mut Vec<SchemaName>) -> Value {
    let Some(schema) = schema(schemas, id) else {
        return json!({});
    };
    stack.push(id);
    let mut out = Map::new();
    for field in schema.fields {
        if nulls {
            out.insert(field.name.to_owned(), Value::Null);
        } else if let Some(v) = value(schemas, &field.ty, field.name, stack) {
            out.insert(field.name.to_owned(), v);
        }
    }
    stack.pop();
    Value::Object(out)
}

/// A value of type `ty` for field `name`; `None` where the depth limit or a cycle stops it.
fn value(schemas: &[Schema], ty: &Ty, name: &str, stack: &mut Vec<SchemaName>) -> Option<Value> {
    Some(match ty {
        Ty::Bool => json!(true),
        Ty::Int32 | Ty::Uint32 => json!(1),
        Ty::Int64 | Ty::Uint64 => json!("1"),
        Ty::Number => json!(1.5),
        Ty::String => json!(name),
        Ty::Bytes => json!("AQID"),
        Ty::DateTime => json!("2024-01-02T03:04:05Z"),
        Ty::Duration => json!("3600s"),
        Ty::Enum(values) => {
            let known = values.iter().find(|v| !v.ends_with("_UNSPECIFIED"));
            json!(known.or(values.first()).copied().unwrap_or_default())
        }
        Ty::Object => json!({ "key": "value" }),
        Ty::Empty => json!({}),
        Ty::Value => json!("value"),
        Ty::Ref(id) => {
            if stack.len() >= MAX_DEPTH || stack.contains(id) {
                return None;
            }
            object(schemas, id, false, stack)
        }
        Ty::Array(item) => Value::Array(value(schemas, item, name, stack).into_iter().collect()),
        Ty::Map(item) => {
            let mut map = Map::new();
            if let Some(v) = value(schemas, item, name, stack) {
                map.insert("key".to_owned(), v);
            }
            Value::Object(map)
        }
    })
}

/// Write `null` for every field of schema `id` that `value` lacks, through nested objects,
/// arrays and maps (as deep as [`MAX_DEPTH`]).
pub(crate) fn fill_nulls(schemas: &[Schema], id: SchemaName, value: &mut Value) {
    fill_object(schemas, id, value, 0);
}

fn fill_object(schemas: &[Schema], id: SchemaName, value: &mut Value, depth: usize) {
    let (Some(schema), Value::Object(map)) = (schema(schemas, id), value) else {
        return;
    };
    if depth >= MAX_DEPTH {
        return;
    }
    for field in schema.fields {
        let slot = map.entry(field.name).or_insert(Value::Null);
        fill_value(schemas, &field.ty, slot, depth + 1);
    }
}

fn fill_value(schemas: &[Schema], ty: &Ty, value: &mut Value, depth: usize) {
    match (ty, value) {
        (Ty::Ref(id), v @ Value::Object(_)) => fill_object(schemas, id, v, depth),
        (Ty::Array(item), Value::Array(items)) => {
            for v in items {
                fill_value(schemas, item, v, depth);
            }
        }
        (Ty::Map(item), Value::Object(map)) => {
            for v in map.values_mut() {
                fill_value(schemas, item, v, depth);
            }
        }
        _ => {}
    }
}
