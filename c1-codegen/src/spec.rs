//! The spec, read into the generator's model: schemas with typed fields and
//! operations with their parameters. Everything the emitters need, nothing
//! they have to look up in the YAML again.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::overrides::Overrides;

/// The JSON shape of a field, in protobuf's JSON mapping.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    Bool,
    I32,
    U32,
    I64,
    U64,
    F64,
    String,
    /// Base64 text.
    Bytes,
    DateTime,
    Duration,
    /// An open enum: the known wire values.
    Enum(Vec<String>),
    /// A free-form object (`google.protobuf.Any`, `Struct`, untyped objects).
    Object,
    /// An object that never holds a field (protobuf's `Empty`, written inline).
    Empty,
    /// Any JSON value.
    Value,
    /// Another schema, by spec key.
    Ref(String),
    Array(Box<Ty>),
    Map(Box<Ty>),
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The wire (JSON) name.
    pub wire: String,
    pub ty: Ty,
    pub deprecated: bool,
    pub read_only: bool,
    /// The spec allows `null`: the field has presence (a message, a
    /// wrapper, an `optional` scalar). Without it a scalar is protobuf's
    /// implicit-presence kind, where leaving it out means its zero value.
    pub nullable: bool,
}

#[derive(Debug, Clone)]
pub struct Schema {
    /// The spec's key, e.g. `c1.api.user.v1.User`.
    pub key: String,
    /// The vendor's short name (`x-speakeasy-name-override`).
    pub short: String,
    pub fields: Vec<Field>,
    /// The wire names the spec marks required, in the spec's order.
    pub required: Vec<String>,
    pub deprecated: bool,
    /// Protobuf oneofs: groups of wire names of which at most one is set.
    pub oneofs: Vec<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct Param {
    /// The name in the path or query (snake_case in this spec).
    pub name: String,
    pub ty: Ty,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    /// `x-speakeasy-group`.
    pub service: String,
    /// `x-speakeasy-name-override`.
    pub short: String,
    /// Upper case: `GET`, `POST`, ...
    pub method: String,
    /// The spec's path, `{name}` placeholders.
    pub path: String,
    pub path_params: Vec<Param>,
    pub query: Vec<Param>,
    /// The body schema's key, if the operation takes a body.
    pub body: Option<String>,
    pub response: String,
    pub stability: Option<String>,
    pub deprecated: bool,
    pub idempotent: bool,
    /// Page parameters c1 adds where the spec forgot them.
    pub added_page_params: bool,
    /// How the operation pages, when it lists.
    pub page: Option<Page>,
}

/// How a list operation pages: decided here once, for the models' `Page`
/// impls and for the fake.
#[derive(Debug, Clone)]
pub struct Page {
    /// The wire name of the items array (`list`, `tools`, `bindings`, ...).
    pub items: String,
    /// Where the page size and token travel.
    pub token_in: TokenIn,
}

/// Where a list operation takes `page_size`/`page_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenIn {
    /// `?page_size=&page_token=` (GET lists).
    Query,
    /// `{"pageSize": .., "pageToken": ..}` (POST searches).
    Body,
}

pub struct Spec {
    pub schemas: BTreeMap<String, Schema>,
    pub operations: Vec<Operation>,
}

type R<T> = Result<T, String>;

pub fn load(text: &str, overrides: &Overrides) -> R<Spec> {
    let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| format!("the spec: {e}"))?;
    let mut schemas = BTreeMap::new();
    let raw = doc["components"]["schemas"]
        .as_object()
        .ok_or("the spec has no components.schemas")?;
    for (key, schema) in raw {
        schemas.insert(key.clone(), read_schema(key, schema)?);
    }
    let mut operations = Vec::new();
    let paths = doc["paths"].as_object().ok_or("the spec has no paths")?;
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if let Some(op) = item.get(method) {
                operations.push(read_operation(path, method, op, &schemas, overrides)?);
            }
        }
    }
    operations.sort_by(|a, b| (&a.service, &a.id).cmp(&(&b.service, &b.id)));
    for id in overrides.idempotent.keys().chain(&overrides.page_params) {
        if !operations.iter().any(|o| &o.id == id) {
            return Err(format!("overrides.toml names {id}, which the spec lacks"));
        }
    }
    Ok(Spec {
        schemas,
        operations,
    })
}

fn read_schema(key: &str, schema: &Value) -> R<Schema> {
    let short = schema["x-speakeasy-name-override"]
        .as_str()
        .ok_or_else(|| format!("{key}: no x-speakeasy-name-override"))?
        .to_owned();
    let mut fields = Vec::new();
    if let Some(props) = schema["properties"].as_object() {
        for (wire, prop) in props {
            let ty = ty(prop).map_err(|e| format!("{key}.{wire}: {e}"))?;
            fields.push(Field {
                wire: wire.clone(),
                ty,
                deprecated: prop["deprecated"] == Value::Bool(true),
                read_only: prop["readOnly"] == Value::Bool(true),
                nullable: nullable(prop),
            });
        }
    }
    let oneofs = oneofs(schema["description"].as_str().unwrap_or_default());
    for group in &oneofs {
        if let Some(missing) = group.iter().find(|m| !fields.iter().any(|f| &f.wire == *m)) {
            return Err(format!("{key}: oneof member {missing} is not a property"));
        }
    }
    let mut required = Vec::new();
    for wire in schema["required"].as_array().into_iter().flatten() {
        let wire = wire
            .as_str()
            .ok_or_else(|| format!("{key}: a required entry that is not text"))?;
        if !fields.iter().any(|f| f.wire == wire) {
            return Err(format!("{key}: required {wire} is not a property"));
        }
        required.push(wire.to_owned());
    }
    Ok(Schema {
        key: key.to_owned(),
        short,
        fields,
        required,
        deprecated: schema["deprecated"] == Value::Bool(true),
        oneofs,
    })
}

/// Whether a property's schema admits `null` (`type: [.., "null"]` or a
/// `oneOf` with a `null` member).
fn nullable(p: &Value) -> bool {
    let null = |v: &Value| v == "null";
    match &p["type"] {
        Value::Array(ts) if ts.iter().any(null) => return true,
        _ => {}
    }
    p["oneOf"]
        .as_array()
        .is_some_and(|members| members.iter().any(|m| null(&m["type"])))
}

/// The oneof groups a schema declares: the spec lists each one's members
/// (wire names) under "contains a oneof named <name>" in the description.
fn oneofs(description: &str) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    let mut lines = description.lines().peekable();
    while let Some(line) = lines.next() {
        if !line.contains("contains a oneof named") {
            continue;
        }
        let mut members = Vec::new();
        while let Some(member) = lines.peek().and_then(|l| l.trim().strip_prefix("- ")) {
            members.push(member.trim().to_owned());
            lines.next();
        }
        if !members.is_empty() {
            groups.push(members);
        }
    }
    groups
}

/// The type of a property or parameter schema.
pub fn ty(p: &Value) -> R<Ty> {
    if let Some(r) = p["$ref"].as_str() {
        return Ok(Ty::Ref(ref_key(r)?));
    }
    if let Some(one_of) = p["oneOf"].as_array() {
        // Every oneOf of this spec is `[$ref, null]`.
        let refs: Vec<&Value> = one_of.iter().filter(|v| v["type"] != "null").collect();
        return match refs.as_slice() {
            [only] => ty(only),
            _ => Err(format!("a oneOf other than [$ref, null]: {p}")),
        };
    }
    if let Some(values) = p["enum"].as_array() {
        let values = values
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or("a non-string enum value")
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Ty::Enum(values));
    }
    let types: Vec<&str> = match &p["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return Err(format!("no type: {p}")),
    };
    let types: Vec<&str> = types.into_iter().filter(|t| *t != "null").collect();
    let format = p["format"].as_str();
    Ok(match (types.as_slice(), format) {
        (["string"], None) => Ty::String,
        (["string"], Some("int64")) => Ty::I64,
        (["string"], Some("uint64")) => Ty::U64,
        (["string"], Some("date-time")) => Ty::DateTime,
        (["string"], Some("duration")) => Ty::Duration,
        (["string"], Some("base64")) => Ty::Bytes,
        (["integer"], Some("int32")) => Ty::I32,
        (["integer"], Some("uint32")) => Ty::U32,
        (["number"], None | Some("double" | "float")) => Ty::F64,
        (["boolean"], None) => Ty::Bool,
        (["array"], None) => Ty::Array(Box::new(ty(&p["items"])?)),
        (["object"], None) => match &p["additionalProperties"] {
            Value::Object(v) if v.contains_key("type") || v.contains_key("$ref") => {
                if v.contains_key("properties") {
                    Ty::Object
                } else {
                    Ty::Map(Box::new(ty(&p["additionalProperties"])?))
                }
            }
            Value::Null if p.get("properties").is_none() => Ty::Empty,
            _ => Ty::Object,
        },
        (many, None) if many.len() > 1 => Ty::Value,
        _ => return Err(format!("an unsupported type: {p}")),
    })
}

fn ref_key(r: &str) -> R<String> {
    r.strip_prefix("#/components/schemas/")
        .map(str::to_owned)
        .ok_or_else(|| format!("a $ref outside components.schemas: {r}"))
}

fn read_operation(
    path: &str,
    method: &str,
    op: &Value,
    schemas: &BTreeMap<String, Schema>,
    overrides: &Overrides,
) -> R<Operation> {
    let id = op["operationId"]
        .as_str()
        .ok_or("an operation without id")?;
    let text = |k: &str| {
        op[k]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{id}: no {k}"))
    };
    let mut path_params = Vec::new();
    let mut query = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let name = p["name"]
            .as_str()
            .ok_or("a parameter without name")?
            .to_owned();
        let ty = ty(&p["schema"]).map_err(|e| format!("{id} {name}: {e}"))?;
        match p["in"].as_str() {
            Some("path") => path_params.push(Param { name, ty }),
            Some("query") => query.push(Param { name, ty }),
            other => return Err(format!("{id}: a parameter in {other:?}")),
        }
    }
    let body = match op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str() {
        Some(r) => Some(ref_key(r)?),
        None if op.get("requestBody").is_some() => {
            return Err(format!("{id}: a body without $ref"));
        }
        None => None,
    };
    let response = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .ok_or_else(|| format!("{id}: no 200 JSON response"))
        .and_then(ref_key)?;
    let added_page_params = overrides.page_params.iter().any(|p| p == id);
    if added_page_params {
        let listed = schemas[&response]
            .fields
            .iter()
            .any(|f| f.wire == "nextPageToken");
        if method != "get" || !listed || query.iter().any(|q| q.name == "page_token") {
            return Err(format!(
                "{id}: page_params applies to GET lists without page parameters"
            ));
        }
        query.push(Param {
            name: "page_size".into(),
            ty: Ty::I32,
        });
        query.push(Param {
            name: "page_token".into(),
            ty: Ty::String,
        });
    }
    let page = page_of(&schemas[&response], method);
    if let Some(page) = &page {
        check_page(id, page, &query, body.as_deref(), schemas)?;
    }
    let idempotent = overrides.idempotent.get(id);
    if idempotent.is_some_and(|why| why.trim().is_empty()) {
        return Err(format!("{id}: say why a repeat of it changes nothing"));
    }
    let idempotent = idempotent.is_some();
    if idempotent && method != "post" {
        return Err(format!("{id}: idempotent applies to POST operations"));
    }
    Ok(Operation {
        id: id.to_owned(),
        service: text("x-speakeasy-group")?,
        short: text("x-speakeasy-name-override")?,
        method: method.to_uppercase(),
        path: path.to_owned(),
        path_params,
        query,
        body,
        response,
        stability: op["x-stability-level"].as_str().map(str::to_owned),
        deprecated: op["deprecated"] == Value::Bool(true),
        idempotent,
        added_page_params,
        page,
    })
}

/// A response with a `nextPageToken` lists the items of its array field:
/// `list` when it has one, else its only array.
fn page_of(response: &Schema, method: &str) -> Option<Page> {
    if !response.fields.iter().any(|f| f.wire == "nextPageToken") {
        return None;
    }
    let arrays: Vec<&str> = response
        .fields
        .iter()
        .filter(|f| matches!(f.ty, Ty::Array(_)))
        .map(|f| f.wire.as_str())
        .collect();
    let items = match arrays.as_slice() {
        _ if arrays.contains(&"list") => "list",
        [only] => only,
        _ => return None,
    };
    Some(Page {
        items: items.to_owned(),
        token_in: if method == "get" {
            TokenIn::Query
        } else {
            TokenIn::Body
        },
    })
}

/// That a listing is asked for its pages the way `page` says, so that what
/// emits a page (the streams, the tests' walks, the fake) need not check: the
/// query's `page_size` and `page_token`, or the body's `pageSize` and
/// `pageToken`; the size a 32-bit integer, the token text.
fn check_page(
    id: &str,
    page: &Page,
    query: &[Param],
    body: Option<&str>,
    schemas: &BTreeMap<String, Schema>,
) -> R<()> {
    let (params, size, token): (Vec<(&str, &Ty)>, _, _) = match (page.token_in, body) {
        (TokenIn::Query, _) => (
            query.iter().map(|q| (q.name.as_str(), &q.ty)).collect(),
            "page_size",
            "page_token",
        ),
        (TokenIn::Body, Some(body)) => (
            schemas[body]
                .fields
                .iter()
                .map(|f| (f.wire.as_str(), &f.ty))
                .collect(),
            "pageSize",
            "pageToken",
        ),
        (TokenIn::Body, None) => return Err(format!("{id}: pages by a body it does not take")),
    };
    let ty = |name: &str| params.iter().find(|(n, _)| *n == name).map(|(_, ty)| *ty);
    match (ty(size), ty(token)) {
        (Some(Ty::I32 | Ty::U32), Some(Ty::String)) => Ok(()),
        _ => Err(format!(
            "{id}: pages without `{size}` (a 32-bit integer) and `{token}` (text)"
        )),
    }
}

impl Spec {
    /// The schemas reachable from `roots`, following every reference.
    pub fn closure<'a>(&self, roots: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack: Vec<String> = roots.into_iter().map(str::to_owned).collect();
        while let Some(key) = stack.pop() {
            if !seen.insert(key.clone()) {
                continue;
            }
            for f in &self.schemas[&key].fields {
                f.ty.refs(&mut |r| stack.push(r.to_owned()));
            }
        }
        seen.into_iter().collect()
    }
}

impl Ty {
    /// Calls `f` with every schema this type references.
    pub fn refs(&self, f: &mut impl FnMut(&str)) {
        match self {
            Ty::Ref(r) => f(r),
            Ty::Array(t) | Ty::Map(t) => t.refs(f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(wire: &str, ty: Ty) -> Field {
        Field {
            wire: wire.into(),
            ty,
            deprecated: false,
            read_only: false,
            nullable: false,
        }
    }

    fn page(token_in: TokenIn) -> Page {
        Page {
            items: "list".into(),
            token_in,
        }
    }

    #[test]
    fn a_page_is_checked_where_its_parameters_travel() {
        let param = |name: &str, ty| Param {
            name: name.into(),
            ty,
        };
        let query = [param("page_size", Ty::I32), param("page_token", Ty::String)];
        assert_eq!(
            check_page("op", &page(TokenIn::Query), &query, None, &BTreeMap::new()),
            Ok(())
        );
        let err = check_page(
            "op",
            &page(TokenIn::Query),
            &query[..1],
            None,
            &BTreeMap::new(),
        );
        assert_eq!(
            err.unwrap_err(),
            "op: pages without `page_size` (a 32-bit integer) and `page_token` (text)"
        );

        let body = |fields| Schema {
            key: "Search".into(),
            short: "Search".into(),
            fields,
            required: Vec::new(),
            deprecated: false,
            oneofs: Vec::new(),
        };
        let mut schemas = BTreeMap::new();
        schemas.insert(
            "Search".to_owned(),
            body(vec![
                field("pageSize", Ty::U32),
                field("pageToken", Ty::String),
            ]),
        );
        schemas.insert(
            "Text".to_owned(),
            body(vec![
                field("pageSize", Ty::String),
                field("pageToken", Ty::String),
            ]),
        );
        let body_page = page(TokenIn::Body);
        assert_eq!(
            check_page("op", &body_page, &[], Some("Search"), &schemas),
            Ok(())
        );
        assert_eq!(
            check_page("op", &body_page, &[], Some("Text"), &schemas).unwrap_err(),
            "op: pages without `pageSize` (a 32-bit integer) and `pageToken` (text)"
        );
        assert_eq!(
            check_page("op", &body_page, &[], None, &schemas).unwrap_err(),
            "op: pages by a body it does not take"
        );
    }
}
