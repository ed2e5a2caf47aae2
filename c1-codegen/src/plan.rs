//! Who uses what: the services (and so the cargo features) each schema and
//! enum belongs to, where each type's code goes, which references need a
//! `Box` to break a cycle, and which fields bound their nesting.

use std::collections::{BTreeMap, BTreeSet};

use crate::names::{Names, enum_values, kebab, snake};
use crate::spec::{Spec, Ty};

pub struct Service {
    /// The spec's group name, also the trait name.
    pub name: String,
    /// The module and handle accessor: `connector_owners_v2`.
    pub module: String,
    /// The cargo feature: `connector-owners-v2`.
    pub feature: String,
    /// The area (proto package) it belongs to: `app`.
    pub area: String,
    /// Indexes into `spec.operations`.
    pub ops: Vec<usize>,
}

pub struct Plan {
    pub services: Vec<Service>,
    /// Schema key -> the features of the services that use it.
    pub schema_users: BTreeMap<String, BTreeSet<String>>,
    /// Enum index -> features.
    pub enum_users: Vec<BTreeSet<String>>,
    /// (schema key, wire field) whose reference is boxed.
    pub boxed: BTreeSet<(String, String)>,
    /// (schema key, wire field) whose type leads back to its schema, through
    /// a list or a map too: decoded through `wire::nested`, which bounds how
    /// deeply a body may nest.
    pub nested: BTreeSet<(String, String)>,
    /// (schema key, wire field) holding a credential: redacted in `Debug`.
    pub secrets: BTreeSet<(String, String)>,
    /// Response schema key -> the wire name of the list field, for `Page`.
    pub pages: BTreeMap<String, String>,
    /// Feature -> what it enables besides its service (`overrides.toml`).
    pub feature_deps: BTreeMap<String, Vec<String>>,
}

/// The feature list of a type nothing uses: it is still compiled under `full`.
pub const ORPHAN: &str = "full";

/// The plan of `spec`; `extra` gives features schemas no operation of
/// theirs uses (`overrides.toml`'s `feature_schemas`, resolved).
pub fn build(
    spec: &Spec,
    names: &Names,
    extra: &BTreeMap<String, Vec<String>>,
) -> Result<Plan, String> {
    if let Some(unknown) = extra
        .keys()
        .find(|f| !spec.operations.iter().any(|op| kebab(&op.service) == **f))
    {
        return Err(format!(
            "overrides.toml: feature_schemas: `{unknown}` is not a service's feature"
        ));
    }
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, op) in spec.operations.iter().enumerate() {
        groups.entry(&op.service).or_default().push(i);
    }
    let mut services = Vec::new();
    let mut schema_users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut enum_users = vec![BTreeSet::new(); names.enums.len()];
    for (name, ops) in groups {
        let feature = kebab(name);
        let mut areas: BTreeMap<&str, usize> = BTreeMap::new();
        let mut roots = Vec::new();
        for &i in &ops {
            let op = &spec.operations[i];
            *areas.entry(area_of(&op.id)).or_default() += 1;
            roots.push(op.response.as_str());
            roots.extend(op.body.as_deref());
            for q in &op.query {
                if let Some(v) = enum_values(&q.ty) {
                    enum_users[names.enum_by_values[v]].insert(feature.clone());
                }
            }
        }
        roots.extend(
            extra
                .get(&feature)
                .into_iter()
                .flatten()
                .map(String::as_str),
        );
        for key in spec.closure(roots) {
            schema_users.entry(key).or_default().insert(feature.clone());
        }
        let area = areas
            .iter()
            .max_by_key(|(a, n)| (**n, std::cmp::Reverse(*a)))
            .map(|(a, _)| kebab(a).replace('_', "-"))
            .unwrap_or_default();
        services.push(Service {
            name: name.to_owned(),
            module: snake(name),
            feature,
            area,
            ops,
        });
    }
    for s in spec.schemas.values() {
        let users = schema_users
            .entry(s.key.clone())
            .or_insert_with(|| BTreeSet::from([ORPHAN.to_owned()]))
            .clone();
        for f in &s.fields {
            if let Some(v) = enum_values(&f.ty) {
                enum_users[names.enum_by_values[v]].extend(users.iter().cloned());
            }
        }
    }
    let pages = spec
        .operations
        .iter()
        .filter_map(|op| Some((op.response.clone(), op.page.as_ref()?.items.clone())))
        .collect();
    Ok(Plan {
        services,
        schema_users,
        enum_users,
        boxed: cycles(spec),
        nested: crate::nesting::Graph::new(spec).nested(),
        secrets: BTreeSet::new(),
        pages,
        feature_deps: BTreeMap::new(),
    })
}

/// `c1.api.app.v1.Apps.Get` -> `app`.
fn area_of(id: &str) -> &str {
    let parts: Vec<&str> = id.split('.').collect();
    if parts.len() > 3 && parts[0] == "c1" && parts[1] == "api" {
        parts[2]
    } else {
        parts.get(1).copied().unwrap_or("other")
    }
}

/// The by-value references (not through a `Vec` or a map) that close a
/// cycle: those between two schemas of one strongly connected component.
fn cycles(spec: &Spec) -> BTreeSet<(String, String)> {
    let keys: Vec<&String> = spec.schemas.keys().collect();
    let index: BTreeMap<&String, usize> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let edges: Vec<Vec<(usize, &str)>> = keys
        .iter()
        .map(|k| {
            spec.schemas[*k]
                .fields
                .iter()
                .filter_map(|f| match &f.ty {
                    Ty::Ref(r) => Some((index[r], f.wire.as_str())),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let targets: Vec<Vec<usize>> = edges
        .iter()
        .map(|out| out.iter().map(|&(to, _)| to).collect())
        .collect();
    let comp = crate::nesting::tarjan(&targets);
    let mut boxed = BTreeSet::new();
    for (from, out) in edges.iter().enumerate() {
        for &(to, wire) in out {
            if comp[from] == comp[to] {
                boxed.insert((keys[from].clone(), wire.to_owned()));
            }
        }
    }
    boxed
}
