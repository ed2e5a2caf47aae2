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
