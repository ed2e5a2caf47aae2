//! Request bodies and query values checked against the schema, in protobuf's JSON mapping.
//! `null` is accepted for every field (it means unset); strict mode also refuses fields the
//! schema does not have, which catches a wrong wire name.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::{Field, Schema, SchemaName, Ty, schema};

/// Check `value` against schema `id`; the error names the field's JSON path.
pub(crate) fn check_object(
    schemas: &[Schema],
    id: SchemaName,
    value: &Value,
    strict: bool,
) -> Result<(), String> {
    let mut path = String::new();
    check(schemas, &Ty::Ref(id), value, strict, &mut path)
}

fn check(
    schemas: &[Schema],
    ty: &Ty,
    value: &Value,
    strict: bool,
    path: &mut String,
) -> Result<(), String> {
    if value.is_null() {
        return Ok(());
    }
    let ok = match ty {
        Ty::Ref(id) => return check_fields(schemas, id, value, strict, path),
        Ty::Array(item) => {
            let Value::Array(items) = value else {
                return Err(wrong(path, "an array", value));
            };
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check(schemas, item, v, strict, path)?;
                path.truncate(len);
            }
            return Ok(());
        }
        Ty::Map(item) => {
            let Value::Object(map) = value else {
                return Err(wrong(path, "an object (a map)", value));
            };
            for (k, v) in map {
                let len = path.len();
                path.push_str(&format!("[{k:?}]"));
                check(schemas, item, v, strict, path)?;
                path.truncate(len);
            }
            return Ok(());
        }
        _ => scalar_ok(ty, value),
    };
    if ok {
        Ok(())
    } else {
        Err(wrong(path, expected(ty), value))
    }
}

/// The fields of an object; unknown ones refused in strict mode.
fn check_fields(
    schemas: &[Schema],
    id: SchemaName,
    value: &Value,
    strict: bool,
    path: &mut String,
) -> Result<(), String> {
    let Value::Object(map) = value else {
        return Err(wrong(path, "an object", value));
    };
    let Some(schema) = schema(schemas, id) else {
        return Ok(());
    };
    for group in schema.oneofs {
        let set: Vec<&str> = group
            .iter()
            .copied()
            .filter(|m| map.get(*m).is_some_and(|v| !v.is_null()))
            .collect();
        if let [first, second, ..] = set.as_slice() {
            let at = if path.is_empty() { "the body" } else { path };
            return Err(format!(
                "`{at}` sets `{first}` and `{second}`, which are one oneof: set at most one"
            ));
        }
    }
    for (name, v) in map {
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
        match schema.fields.iter().find(|f: &&Field| f.name == name) {
            Some(field) => check(schemas, &field.ty, v, strict, path)?,
            None if strict => {
                return Err(format!(
                    "unknown field `{path}` ({} has no field `{name}`)",
                    schema.name
                ));
            }
            None => {}
        }
        path.truncate(len);
    }
    Ok(())
}

/// Whether a JSON value fits a scalar type (numbers may come as strings, as protobuf allows).
fn scalar_ok(ty: &Ty, value: &Value) -> bool {
    match (ty, value) {
        (Ty::Bool, Value::Bool(_)) => true,
        (Ty::Int32, v) => int_of(v).is_some_and(|n| i32::try_from(n).is_ok()),
        (Ty::Uint32, v) => int_of(v).is_some_and(|n| u32::try_from(n).is_ok()),
        (Ty::Int64, v) => int_of(v).is_some_and(|n| i64::try_from(n).is_ok()),
        (Ty::Uint64, v) => int_of(v).is_some_and(|n| u64::try_from(n).is_ok()),
        (Ty::Number, Value::Number(_)) => true,
        (Ty::Number, Value::String(s)) => {
            s.parse::<f64>().is_ok() || ["NaN", "Infinity", "-Infinity"].contains(&s.as_str())
        }
        (Ty::String, Value::String(_)) => true,
        (Ty::Bytes, Value::String(s)) => [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .any(|e| e.decode(s).is_ok()),
        (Ty::DateTime, Value::String(s)) => {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok()
        }
        (Ty::Duration, Value::String(s)) => s
            .strip_suffix('s')
            .is_some_and(|n| !n.is_empty() && n.parse::<f64>().is_ok_and(f64::is_finite)),
        // Open enums: any name (the service may add values) or a number.
        (Ty::Enum(_), Value::String(_)) => true,
        (Ty::Enum(_), v) => int_of(v).is_some(),
        (Ty::Object, Value::Object(_)) => true,
        (Ty::Empty, Value::Object(map)) => map.is_empty(),
        (Ty::Value, _) => true,
        _ => false,
    }
}

/// An integer given as a JSON number or a string of digits.
fn int_of(value: &Value) -> Option<i128> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Check a query parameter's text against its type.
pub(crate) fn query_ok(ty: &Ty, text: &str) -> bool {
    match ty {
        Ty::Bool => text == "true" || text == "false",
        Ty::Array(item) => query_ok(item, text),
        Ty::Int32 | Ty::Uint32 | Ty::Int64 | Ty::Uint64 | Ty::Number | Ty::Enum(_) => {
            scalar_ok(ty, &Value::String(text.to_owned()))
        }
        Ty::Bytes | Ty::DateTime | Ty::Duration => scalar_ok(ty, &Value::String(text.to_owned())),
        _ => true,
    }
}

fn expected(ty: &Ty) -> &'static str {
    match ty {
        Ty::Bool => "a boolean",
        Ty::Int32 => "an int32 (a number or a string of digits)",
        Ty::Uint32 => "a uint32 (a number or a string of digits)",
        Ty::Int64 => "an int64 (a string of digits)",
        Ty::Uint64 => "a uint64 (a string of digits)",
        Ty::Number => "a number",
        Ty::String => "a string",
        Ty::Bytes => "base64 text",
        Ty::DateTime => "an RFC 3339 timestamp",
        Ty::Duration => "a duration such as \"3600s\"",
        Ty::Enum(_) => "an enum value name",
        Ty::Empty => "an empty object `{}`",
        Ty::Object | Ty::Ref(_) | Ty::Map(_) => "an object",
        Ty::Value => "a JSON value",
        Ty::Array(_) => "an array",
    }
}

fn wrong(path: &str, expected: &str, value: &Value) -> String {
    let got = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    let at = if path.is_empty() { "the body" } else { path };
    format!("field `{at}` must be {expected}, not {got}")
}
