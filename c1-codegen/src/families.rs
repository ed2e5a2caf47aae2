//! Resource families: the operations that create, read, list, update and
//! delete one kind of object, found from the spec's shapes (not its names
//! alone) so the fake keeps one store per family.
//!
//! An object kind is a schema with a string `id`. An operation belongs to
//! the family of the kind its answer carries (directly, or inside a
//! `<Kind>View`), when its path parameters are the object's id and fields of
//! the object (`{app_id}` is `appId`): the rest would need a relation the
//! fake does not know, and stays answered from the schema.

use std::collections::BTreeMap;

use crate::names::camel_of_snake;
use crate::spec::{Operation, Spec, Ty};

/// What an operation does to its family's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Create,
    Get,
    List,
    Search,
    Update,
    Delete,
    /// Any other call on one stored object (a task's approve, ...): 404
    /// when it is not stored, else the object.
    Act,
}

/// One operation's place in a family.
#[derive(Debug, Clone)]
pub struct Role {
    /// The object's schema key, which names the family.
    pub entity: String,
    pub kind: Kind,
    /// The path parameter holding the object's id.
    pub id_param: Option<String>,
    /// Path parameters that are fields of the object: (parameter, wire field).
    pub scope: Vec<(String, String)>,
    /// Where the object sits in the answer (in each item, for a list).
    pub entity_at: Vec<String>,
    /// Where the object's fields sit in the request body: `[]` is the body itself.
    pub body_at: Option<Vec<String>>,
    /// The update mask's wire name, when the update takes one.
    pub mask: Option<String>,
}

/// Every family role, by operation id. A family is kept only when it can
/// be read back (it has a `Get`).
pub fn derive(spec: &Spec) -> BTreeMap<String, Role> {
    let mut roles: BTreeMap<String, Role> = BTreeMap::new();
    for op in &spec.operations {
        if let Some(role) = role(spec, op) {
            roles.insert(op.id.clone(), role);
        }
    }
    // A delete answers nothing to recognise it by: it shares its path with its family's get.
    for op in spec.operations.iter().filter(|o| o.method == "DELETE") {
        if op.short != "Delete" || roles.contains_key(&op.id) {
            continue;
        }
        let get = spec.operations.iter().find(|g| {
            g.method == "GET"
                && g.path == op.path
                && roles.get(&g.id).is_some_and(|r| r.kind == Kind::Get)
        });
        if let Some(get) = get {
            let mut role = roles[&get.id].clone();
            role.kind = Kind::Delete;
            role.entity_at.clear();
            roles.insert(op.id.clone(), role);
        }
    }
    let readable: Vec<String> = roles
        .values()
        .filter(|r| r.kind == Kind::Get)
        .map(|r| r.entity.clone())
        .collect();
    roles.retain(|_, r| readable.contains(&r.entity));
    roles
}

fn role(spec: &Spec, op: &Operation) -> Option<Role> {
    let response = &spec.schemas[&op.response];
    let (kind, entity, entity_at) = if let Some(page) = &op.page {
        let field = response.fields.iter().find(|f| f.wire == page.items)?;
        let Ty::Array(item) = &field.ty else {
            return None;
        };
        let Ty::Ref(item) = &**item else {
            return None;
        };
        let (entity, at) = object_in(spec, item)?;
        let kind = if op.method == "GET" {
            Kind::List
        } else {
            Kind::Search
        };
        (kind, entity, at)
    } else {
        let mut refs = response.fields.iter().filter_map(|f| match &f.ty {
            Ty::Ref(r) => Some((f, r)),
            _ => None,
        });
        let (field, target) = refs.next()?;
        if refs.next().is_some() {
            return None;
        }
        let (entity, mut at) = object_in(spec, target)?;
        at.insert(0, field.wire.clone());
        let kind = match (op.short.as_str(), op.method.as_str()) {
            ("Get", "GET") => Kind::Get,
            (create, "POST") if create.starts_with("Create") && !ends_in_placeholder(&op.path) => {
                Kind::Create
            }
            ("Update", "POST" | "PUT" | "PATCH") => Kind::Update,
            _ => Kind::Act,
        };
        (kind, entity, at)
    };
    let fields = &spec.schemas[&entity].fields;
    let field_of = |param: &str| {
        let wire = camel_of_snake(param);
        fields.iter().any(|f| f.wire == wire).then_some(wire)
    };
    let params: Vec<&str> = op.path_params.iter().map(|p| p.name.as_str()).collect();
    let last = placeholders(&op.path).last().copied();
    let id_param = match kind {
        Kind::Get | Kind::Update | Kind::Delete => Some(last?),
        // The one path parameter that is not a field of the object names it.
        Kind::Act => {
            let mut ids = params.iter().filter(|p| field_of(p).is_none());
            let id = *ids.next()?;
            if ids.next().is_some() {
                return None;
            }
            Some(id)
        }
        Kind::Create | Kind::List | Kind::Search => None,
    };
    let mut scope = Vec::new();
    for p in &params {
        if Some(*p) == id_param {
            continue;
        }
        scope.push((p.to_string(), field_of(p)?));
    }
    let body = op.body.as_ref().map(|b| &spec.schemas[b]);
    let entity_field = body.and_then(|b| {
        b.fields
            .iter()
            .find(|f| f.ty == Ty::Ref(entity.clone()))
            .map(|f| vec![f.wire.clone()])
    });
    let (body_at, mask) = match kind {
        Kind::Update => {
            let mask = body
                .and_then(|b| b.fields.iter().find(|f| f.wire == "updateMask"))
                .map(|f| f.wire.clone());
            (Some(entity_field?), mask)
        }
        Kind::Create => (Some(entity_field.unwrap_or_default()), None),
        _ => (None, None),
    };
    Some(Role {
        entity,
        kind,
        id_param: id_param.map(str::to_owned),
        scope,
        entity_at,
        body_at,
        mask,
    })
}

/// The object kind schema `key` is or wraps: itself when it has a string
/// `id`, else the `<Kind>` inside a `<Kind>View`, with the path to it.
fn object_in(spec: &Spec, key: &str) -> Option<(String, Vec<String>)> {
    let has_id = |k: &str| {
        spec.schemas[k]
            .fields
            .iter()
            .any(|f| f.wire == "id" && f.ty == Ty::String)
    };
    if has_id(key) {
        return Some((key.to_owned(), Vec::new()));
    }
    let inner = key.strip_suffix("View")?;
    let field = spec.schemas[key]
        .fields
        .iter()
        .find(|f| f.ty == Ty::Ref(inner.to_owned()))?;
    has_id(inner).then(|| (inner.to_owned(), vec![field.wire.clone()]))
}

/// The placeholder names of a spec path, in order.
fn placeholders(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

fn ends_in_placeholder(path: &str) -> bool {
    path.ends_with('}')
}

/// The README's table of stateful operations: one row per family, each
/// operation as c1 names it (`Apps.create`).
pub fn table(
    spec: &Spec,
    methods: &BTreeMap<String, String>,
    roles: &BTreeMap<String, Role>,
) -> String {
    let mut families: BTreeMap<&str, BTreeMap<Kind, Vec<String>>> = BTreeMap::new();
    for op in &spec.operations {
        if let Some(role) = roles.get(&op.id) {
            let name = format!("`{}.{}`", op.service, methods[&op.id]);
            families
                .entry(role.entity.as_str())
                .or_default()
                .entry(role.kind)
                .or_default()
                .push(name);
        }
    }
    let mut out = String::from(
        "| family (object) | create | get | list, search | update | delete | other calls |\n|---|---|---|---|---|---|---|\n",
    );
    for (entity, kinds) in &families {
        let cell = |ks: &[Kind]| {
            let names: Vec<&str> = ks
                .iter()
                .flat_map(|k| kinds.get(k).into_iter().flatten())
                .map(String::as_str)
                .collect();
            if names.is_empty() {
                "-".to_owned()
            } else {
                names.join(", ")
            }
        };
        out.push_str(&format!(
            "| `{entity}` | {} | {} | {} | {} | {} | {} |\n",
            cell(&[Kind::Create]),
            cell(&[Kind::Get]),
            cell(&[Kind::List, Kind::Search]),
            cell(&[Kind::Update]),
            cell(&[Kind::Delete]),
            cell(&[Kind::Act]),
        ));
    }
    out.push_str(&format!(
        "\n{} families, {} operations.\n",
        families.len(),
        roles.len()
    ));
    out
}
