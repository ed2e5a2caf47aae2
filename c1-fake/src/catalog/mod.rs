//! The catalog of every ConductorOne operation and schema the fake serves:
//! hand-written types here, data in `generated.rs` (written by `c1-codegen`,
//! never edited by hand). The fake's generic routes match requests against
//! [`OPERATIONS`], check bodies against [`SCHEMAS`] and answer instances built
//! from them.

mod generated;
mod instance;
mod serve;
mod table;
#[cfg(test)]
mod tests;
mod validate;

pub(crate) use generated::{OPERATIONS, SCHEMAS};
pub(crate) use serve::{Call, Catalog};

/// Nulls mode for answers built elsewhere (the stateful ConnectorOwnersV2 routes): write
/// `null` for every field of the API's schema `name` that `value` lacks, nested ones too.
pub(crate) fn fill_nulls_of(name: &str, value: &mut serde_json::Value) {
    let id = SCHEMAS
        .iter()
        .position(|s| s.name == name)
        .and_then(|i| SchemaId::try_from(i).ok());
    if let Some(id) = id {
        instance::fill_nulls(SCHEMAS, id, value);
    }
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
    pub(crate) request: Option<SchemaId>,
    /// The 200 answer's schema.
    pub(crate) response: SchemaId,
}

/// An index into [`SCHEMAS`].
pub(crate) type SchemaId = u16;

/// One object schema: its fields, in spec order.
#[derive(Debug)]
pub(crate) struct Schema {
    /// The spec's name, e.g. `c1.api.app.v1.App`.
    pub(crate) name: &'static str,
    pub(crate) fields: &'static [Field],
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
    /// Any JSON value.
    Value,
    /// Another schema.
    Ref(SchemaId),
    Array(&'static Ty),
    /// A JSON object with these values.
    Map(&'static Ty),
}
