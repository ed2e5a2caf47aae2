//! Example objects of any schema of the API, built from the same catalog the fake answers
//! from: for a test that needs a plausible object, and for checking a client's models
//! against every field of the API without fixtures read from the spec a second time.

use serde_json::Value;

use super::{SCHEMAS, instance, schema};

/// The enum value [`Fill::UnknownEnums`] writes: one that no version of the API lists,
/// as a newer service than the client knows may send.
pub const UNKNOWN_ENUM_VALUE: &str = "C1_VALUE_UNKNOWN_TO_THIS_VERSION";

/// How [`example`] fills an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fill {
    /// What the fake answers: every field set to a plausible value (C1-style ids,
    /// `user-1@example.com`, `Display name 1`, timestamps in order, a live status), at most
    /// one member of each oneof, `{}` for protobuf's `Empty`, no deletion time; nested 6
    /// levels deep (deeper and recursive fields unset). Valid for the schema, strictly.
    Plausible,
    /// Every field of the object `null`, as the real service sends unset fields.
    Nulls,
    /// Every field of every schema the object reaches, at least once: each schema in full
    /// where first reached, however deep, and `{}` where reached again; every member of a
    /// oneof and deletion times set. Not a valid message: for checking that a decoder reads
    /// (and an encoder writes back) every field.
    EveryField,
    /// [`Fill::EveryField`] with every enum value [`UNKNOWN_ENUM_VALUE`]: for checking that
    /// a decoder keeps values it does not know (open enums).
    UnknownEnums,
}

/// An example object of the API's schema `schema`, named as the spec names it (e.g.
/// `c1.api.user.v1.User`; each `c1::models` type's documentation gives its schema), or
/// `None` for a name the API does not have. The same name and fill give the same object
/// every time.
///
/// ```
/// use c1_fake::{Fill, example};
///
/// let user = example("c1.api.user.v1.User", Fill::Plausible).unwrap();
/// assert_eq!(user["email"], "user-1@example.com");
/// assert_eq!(user["status"], "ENABLED");
/// assert!(user.get("deletedAt").is_none());
/// assert!(example("c1.api.user.v1.Nobody", Fill::Plausible).is_none());
/// ```
pub fn example(schema_name: &str, fill: Fill) -> Option<Value> {
    let name = schema(SCHEMAS, schema_name)?.name;
    Some(match fill {
        Fill::Plausible => instance::instance(SCHEMAS, name, false),
        Fill::Nulls => instance::instance(SCHEMAS, name, true),
        Fill::EveryField => instance::every_field(SCHEMAS, name, None),
        Fill::UnknownEnums => instance::every_field(SCHEMAS, name, Some(UNKNOWN_ENUM_VALUE)),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::super::{OPERATIONS, SCHEMAS, Ty, schema};
    use super::{Fill, example};

    /// The (schema, field) pairs `value`, of type `ty`, sets.
    fn fields_set(ty: &Ty, value: &Value, out: &mut BTreeSet<(&'static str, &'static str)>) {
        match (ty, value) {
            (Ty::Ref(name), Value::Object(map)) => {
                for field in schema(SCHEMAS, name).map_or(&[][..], |s| s.fields) {
                    if let Some(v) = map.get(field.name).filter(|v| !v.is_null()) {
                        out.insert((name, field.name));
                        fields_set(&field.ty, v, out);
                    }
                }
            }
            (Ty::Array(item), Value::Array(items)) => {
                items.iter().for_each(|v| fields_set(item, v, out));
            }
            (Ty::Map(item), Value::Object(map)) => {
                map.values().for_each(|v| fields_set(item, v, out));
            }
            _ => {}
        }
    }

    /// The EveryField examples of the request and response models together hold every
    /// field of every schema those reach, however deep or recursive: a decoder checked
    /// against them (c1's tests/models_all.rs) is checked against every field of the API.
    #[test]
    fn every_field_examples_hold_every_field_the_models_reach() {
        let roots: BTreeSet<&str> = OPERATIONS
            .iter()
            .flat_map(|op| [Some(op.response), op.request])
            .flatten()
            .collect();
        let (mut set, mut reachable) = (BTreeSet::new(), BTreeSet::new());
        let mut stack: Vec<&str> = roots.iter().copied().collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = stack.pop() {
            if !seen.insert(name) {
                continue;
            }
            for field in schema(SCHEMAS, name).unwrap().fields {
                reachable.insert((name, field.name));
                let mut ty = &field.ty;
                while let Ty::Array(t) | Ty::Map(t) = ty {
                    ty = t;
                }
                if let Ty::Ref(r) = ty {
                    stack.push(r);
                }
            }
        }
        for root in &roots {
            let (mut every, mut unknown) = (BTreeSet::new(), BTreeSet::new());
            let v = example(root, Fill::EveryField).unwrap();
            fields_set(&Ty::Ref(root), &v, &mut every);
            // The same object with unknown enum values: the same fields.
            let v = example(root, Fill::UnknownEnums).unwrap();
            fields_set(&Ty::Ref(root), &v, &mut unknown);
            assert_eq!(every, unknown, "{root}");
            set.append(&mut every);
        }
        let missing: Vec<_> = reachable.difference(&set).collect();
        assert!(missing.is_empty(), "{} missing: {missing:?}", missing.len());
        assert!(reachable.len() > 6000, "{} fields", reachable.len());
    }
}
