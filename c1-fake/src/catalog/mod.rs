//! The catalog of every ConductorOne operation and schema the fake serves:
//! hand-written types here, data in `generated.rs` (written by `c1-codegen`,
//! never edited by hand). The fake's generic routes match requests against
//! [`OPERATIONS`], check bodies against [`SCHEMAS`] and answer instances built
//! from them.

#[cfg(test)]
mod answer_tests;
mod example;
mod generated;
mod instance;
mod plausible;
mod serve;
mod suggest;
mod table;
#[cfg(test)]
mod tests;
pub(crate) mod validate;

pub(crate) use generated::{OPERATIONS, SCHEMAS};

pub(crate) use serve::{Call, Catalog};

pub use example::{Fill, UNKNOWN_ENUM_VALUE, example};

/// Nulls mode for answers built elsewhere (the stateful ConnectorOwnersV2 routes): write
/// `null` for every field of the API's schema `name` that `value` lacks, nested ones too.
pub(crate) fn fill_nulls_of(name: &'static str, value: &mut serde_json::Value) {
    instance::fill_nulls(SCHEMAS, name, value);
}

/// The schema called `name` in `schemas` (sorted by name, as generated).
pub(crate) fn schema<'s>(schemas: &'s [Schema], name: &str) -> Option<&'s Schema> {
    schemas
        .binary_search_by(|s| s.name.cmp(name))
        .ok()
        .map(|i| &schemas[i])
}

/// One operation of the API.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The spec's `operationId`, e.g. `c1.api.app.v1.Apps.Get`.
    pub(crate) id: &'static str,
    /// The service (the spec's `x-speakeasy-group`), e.g. `Apps`.
    pub(crate) service: &'static str,
    /// The method name c1 gives the operation, e.g. `get`.
    pub(crate) name: &'static str,
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub(crate) method: &'static str,
    /// The path as the spec writes it, e.g. `/api/v1/apps/{id}`.
    pub(crate) template: &'static str,
    /// The query parameters (wire names) and their types.
    pub(crate) query: &'static [Field],
    /// The JSON body's schema, if the operation takes one.
    pub(crate) request: Option<SchemaName>,
    /// The 200 answer's schema.
    pub(crate) response: SchemaName,
    /// How the answer pages, when the operation lists.
    pub(crate) page: Option<Page>,
    /// The operation's place in a resource family, when it has one (stateful).
    pub(crate) role: Option<Role>,
}

/// A schema's name in [`SCHEMAS`], e.g. `c1.api.app.v1.App`.
pub(crate) type SchemaName = &'static str;

/// How a list operation pages.
#[derive(Debug)]
pub(crate) struct Page {
    /// The wire name of the items array (`list`, `tools`, ...).
    pub(crate) items: &'static str,
    /// Where `page_size`/`page_token` travel.
    pub(crate) token_in: TokenIn,
}

/// Where a list operation takes its page size and token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenIn {
    /// `?page_size=&page_token=`.
    Query,
    /// `{"pageSize": .., "pageToken": ..}`.
    Body,
}

/// What an operation does to its family's store (see c1-codegen's `families.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Create,
    Get,
    List,
    Search,
    Update,
    Delete,
    /// Another call on one stored object (a task's approve, ...).
    Act,
}

/// One operation's place in a resource family: the family is named by its object's schema.
#[derive(Debug)]
pub(crate) struct Role {
    /// The stored object's schema, e.g. `c1.api.app.v1.App`.
    pub(crate) entity: SchemaName,
    pub(crate) kind: Kind,
    /// The path parameter holding the object's id.
    pub(crate) id_param: Option<&'static str>,
    /// Path parameters that are fields of the object: (parameter, wire field).
    pub(crate) scope: &'static [(&'static str, &'static str)],
    /// Where the object sits in the answer (in each item, for a list).
    pub(crate) entity_at: &'static [&'static str],
    /// Where the object's fields sit in the request body (`[]`: the body itself).
    pub(crate) body_at: Option<&'static [&'static str]>,
    /// The update mask's wire name, when the update takes one.
    pub(crate) mask: Option<&'static str>,
}

/// One object schema: its fields, in spec order.
#[derive(Debug)]
pub(crate) struct Schema {
    /// The spec's name, e.g. `c1.api.app.v1.App`.
    pub(crate) name: &'static str,
    pub(crate) fields: &'static [Field],
    /// Protobuf oneofs: groups of wire names of which at most one is set.
    pub(crate) oneofs: &'static [&'static [&'static str]],
}

/// One field of a schema, or one query parameter.
#[derive(Debug)]
pub(crate) struct Field {
    /// The JSON (wire) name, e.g. `createdAt`.
    pub(crate) name: &'static str,
    pub(crate) ty: Ty,
}

/// The JSON shape of a value, in protobuf's JSON mapping.
#[derive(Debug)]
pub(crate) enum Ty {
    Bool,
    /// `int32` / `uint32`: a JSON number.
    Int32,
    Uint32,
    /// `int64` / `uint64`: a JSON string of digits.
    Int64,
    Uint64,
    /// `float` / `double`: a JSON number.
    Number,
    String,
    /// Base64 text.
    Bytes,
    /// RFC 3339 timestamp text.
    DateTime,
    /// Protobuf duration text, e.g. `"3600s"`.
    Duration,
    /// One of these values (open: the real service may add values).
    Enum(&'static [&'static str]),
    /// A free-form JSON object (`google.protobuf.Struct`, `Any`, untyped objects).
    Object,
    /// An object that never holds a field (protobuf's `Empty`): always `{}`.
    Empty,
    /// Any JSON value.
    Value,
    /// Another schema, by name.
    Ref(SchemaName),
    Array(&'static Ty),
    /// A JSON object with these values.
    Map(&'static Ty),
}
