//! Instances built from a schema: the answers the fake builds (strictly valid for their
//! schema: at most one member of each oneof set, `{}` for protobuf's `Empty`, listed enum
//! values, no deletion time, plausible values from [`super::plausible`]), every field
//! `null` in nulls mode, and `null` filled into a scripted answer's unset fields.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::{Page, Schema, SchemaName, Ty, plausible, schema};

/// How deep an answer nests schemas; deeper fields are left unset, which also ends
/// recursive schemas (a schema already being built is not entered again).
pub(crate) const MAX_DEPTH: usize = 6;

/// How many items a built listing holds: enough for several pages.
pub(crate) const BUILT_LIST_LEN: usize = 60;

/// An instance of schema `id` with every field set (arrays hold one item), or every field
/// `null` in nulls mode.
pub(crate) fn instance(schemas: &[Schema], id: SchemaName, nulls: bool) -> Value {
    answer(schemas, id, nulls, None)
}

/// The answer of an operation whose response schema is `id`: an [`instance`], and for a
/// listing (`page`) its items array (`list`, `tools`, ...) holding [`BUILT_LIST_LEN`]
/// items, each built for its own item number, so they differ.
pub(crate) fn answer(
    schemas: &[Schema],
    id: SchemaName,
    nulls: bool,
    page: Option<&Page>,
) -> Value {
    let items = page.map(|p| p.items);
    let mut build = Builder::new(schemas, Fill::Answer);
    if nulls {
        return build.nulls(id);
    }
    let mut out = build.object(id);
    let item_ty = schema(schemas, id)
        .and_then(|s| s.fields.iter().find(|f| Some(f.name) == items))
        .map(|f| &f.ty);
    if let (Some(Ty::Array(item)), Some(name), Value::Object(map)) = (item_ty, items, &mut out) {
        let list = (1..=BUILT_LIST_LEN)
            .filter_map(|n| {
                build.n = n;
                build.stack = vec![id];
                build.value(id, item, name, 1)
            })
            .collect();
        map.insert(name.to_owned(), Value::Array(list));
    }
    out
}

/// An instance of schema `id` that holds every field of every schema it reaches at least
/// once: each schema in full where first reached (no depth limit), `{}` where reached again,
/// every member of a oneof and deletion times set; enum values as [`answer`] gives them, or
/// `unknown` for each. Not a valid message: a decoder's test of every field.
pub(crate) fn every_field(
    schemas: &[Schema],
    id: SchemaName,
    unknown: Option<&'static str>,
) -> Value {
    Builder::new(schemas, Fill::EveryField { unknown }).object(id)
}

/// What a [`Builder`] builds.
#[derive(Clone, Copy)]
enum Fill {
    /// A valid, plausible answer, [`MAX_DEPTH`] deep.
    Answer,
    /// Every field of every schema reached (see [`every_field`]).
    EveryField { unknown: Option<&'static str> },
}

struct Builder<'s> {
    schemas: &'s [Schema],
    fill: Fill,
    /// The item number: 1, or 1..=[`BUILT_LIST_LEN`] for a listing's items.
    n: usize,
    /// How many objects were built: the next object's own id derives from it.
    serial: usize,
    /// The schemas being built, outermost first.
    stack: Vec<SchemaName>,
    /// [`Fill::EveryField`]: the schemas already built in full.
    filled: BTreeSet<SchemaName>,
}

impl<'s> Builder<'s> {
    fn new(schemas: &'s [Schema], fill: Fill) -> Self {
        Builder {
            schemas,
            fill,
            n: 1,
            serial: 0,
            stack: Vec::new(),
            filled: BTreeSet::new(),
        }
    }

    /// Schema `id` with every field `null`.
    fn nulls(&self, id: SchemaName) -> Value {
        let fields = schema(self.schemas, id).map_or(&[][..], |s| s.fields);
        Value::Object(
            fields
                .iter()
                .map(|f| (f.name.to_owned(), Value::Null))
                .collect(),
        )
    }

    fn object(&mut self, id: SchemaName) -> Value {
        let Some(schema) = schema(self.schemas, id) else {
            return json!({});
        };
        let every = matches!(self.fill, Fill::EveryField { .. });
        if every && !self.filled.insert(id) {
            return json!({});
        }
        self.serial += 1;
        let serial = self.serial;
        self.stack.push(id);
        let mut out = Map::new();
        for field in schema.fields {
            if !every && plausible::is_deletion_time(field.name) {
                continue;
            }
            // A oneof holds one member: the first that can be built.
            let taken = |out: &Map<String, Value>| {
                schema.oneofs.iter().any(|group| {
                    group.contains(&field.name) && group.iter().any(|m| out.contains_key(*m))
                })
            };
            if !every && taken(&out) {
                continue;
            }
            if let Some(v) = self.value(id, &field.ty, field.name, serial) {
                out.insert(field.name.to_owned(), v);
            }
        }
        self.stack.pop();
        Value::Object(out)
    }

    /// A value of type `ty` for field `name` of object number `serial` (of schema `owner`);
    /// `None` where the depth limit or a cycle stops it, or no enum value fits.
    fn value(&mut self, owner: SchemaName, ty: &Ty, name: &str, serial: usize) -> Option<Value> {
        let n = self.n;
        Some(match ty {
            Ty::Bool => json!(plausible::boolean(name)),
            Ty::Int32 | Ty::Uint32 => json!(plausible::integer(name, n, serial)),
            Ty::Int64 | Ty::Uint64 => json!(plausible::integer(name, n, serial).to_string()),
            Ty::Number => json!(1.5),
            Ty::String => json!(plausible::text(owner, name, n, serial)),
            Ty::Bytes => json!("AQID"),
            Ty::DateTime => json!(plausible::timestamp(name, n)),
            Ty::Duration => json!("3600s"),
            Ty::Enum(values) => match self.fill {
                Fill::EveryField {
                    unknown: Some(unknown),
                } => json!(unknown),
                _ => json!(plausible::enum_value(name, values)?),
            },
            Ty::Object => json!({ "key": format!("value-{n}") }),
            Ty::Empty => json!({}),
            Ty::Value => json!(format!("value-{n}")),
            Ty::Ref(id) => {
                let stop = self.stack.len() >= MAX_DEPTH || self.stack.contains(id);
                if matches!(self.fill, Fill::Answer) && stop {
                    return None;
                }
                self.object(id)
            }
            Ty::Array(item) => {
                Value::Array(self.value(owner, item, name, serial).into_iter().collect())
            }
            Ty::Map(item) => {
                let mut map = Map::new();
                if let Some(v) = self.value(owner, item, name, serial) {
                    map.insert("key".to_owned(), v);
                }
                Value::Object(map)
            }
        })
    }
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
