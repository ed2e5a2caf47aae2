//! The request side of the API, as a user builds it: which models get
//! setters (every schema a request body reaches), which get a constructor
//! (the fields the spec requires), and how an update body's `updateMask` is
//! made from the fields the user set. Also who uses each schema (bodies,
//! answers, the fields that hold it), for the models' docs.

use std::collections::{BTreeMap, BTreeSet};

use crate::names::field_ident;
use crate::spec::{Schema, Spec, Ty};

/// The wire name of an update body's mask.
pub const MASK: &str = "updateMask";
/// The wire name of the field that asks for related objects in the answer:
/// never part of an update's mask.
const EXPAND: &str = "expandMask";

/// How an update body names the fields it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// The body holds the object it changes in this field (`app` of
    /// `UpdateAppRequest`): the mask names the object's set fields.
    Object(String),
    /// The body holds the fields themselves: the mask names the body's own
    /// set fields but the mask and `expandMask`.
    Flat,
}

pub struct Requests {
    /// Schemas a request body reaches (the bodies too): these get setters.
    pub built: BTreeSet<String>,
    /// Schema -> the features of the services whose request bodies reach
    /// it: its setters and constructors compile with these only (a model
    /// compiled for an answer alone has nothing to build).
    pub builders: BTreeMap<String, BTreeSet<String>>,
    /// Schemas an answer reaches.
    pub answered: BTreeSet<String>,
    /// Body schema -> the operations (indexes) that take it.
    pub bodies: BTreeMap<String, Vec<usize>>,
    /// Response schema -> the operations that answer it.
    pub responses: BTreeMap<String, Vec<usize>>,
    /// Update body -> how its mask is made.
    pub updates: BTreeMap<String, Update>,
    /// Schema whose set fields make a mask (an update's object, or a flat
    /// update body) -> the update bodies that use it.
    pub masked: BTreeMap<String, Vec<String>>,
    /// Schema -> the (schema, wire field) pairs that hold it, sorted.
    pub holders: BTreeMap<String, Vec<(String, String)>>,
}

pub fn build(spec: &Spec, plan: &crate::plan::Plan) -> Requests {
    let mut bodies: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut responses: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, op) in spec.operations.iter().enumerate() {
        if let Some(body) = &op.body {
            bodies.entry(body.clone()).or_default().push(i);
        }
        responses.entry(op.response.clone()).or_default().push(i);
    }
    let built = spec
        .closure(bodies.keys().map(String::as_str))
        .into_iter()
        .collect();
    let mut builders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for svc in &plan.services {
        let roots = svc
            .ops
            .iter()
            .filter_map(|&i| spec.operations[i].body.as_deref());
        for key in spec.closure(roots) {
            builders.entry(key).or_default().insert(svc.feature.clone());
        }
    }
    let answered = spec
        .closure(responses.keys().map(String::as_str))
        .into_iter()
        .collect();
    let mut updates = BTreeMap::new();
    let mut masked: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for key in bodies.keys() {
        let body = &spec.schemas[key];
        let Some(update) = update_of(body) else {
            continue;
        };
        let target = match &update {
            Update::Object(wire) => match &body.fields.iter().find(|f| &f.wire == wire).unwrap().ty
            {
                Ty::Ref(r) => r.clone(),
                _ => unreachable!(),
            },
            Update::Flat => key.clone(),
        };
        masked.entry(target).or_default().push(key.clone());
        updates.insert(key.clone(), update);
    }
    let mut holders: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for s in spec.schemas.values() {
        for f in &s.fields {
            f.ty.refs(&mut |r| {
                holders
                    .entry(r.to_owned())
                    .or_default()
                    .push((s.key.clone(), f.wire.clone()))
            });
        }
    }
    for list in holders.values_mut() {
        list.sort();
        list.dedup();
    }
    Requests {
        built,
        builders,
        answered,
        bodies,
        responses,
        updates,
        masked,
        holders,
    }
}

/// An update body has an `updateMask` (text); it changes the one object it
/// holds beside the mask (and `expandMask`), else its own fields.
fn update_of(body: &Schema) -> Option<Update> {
    let mask = body.fields.iter().find(|f| f.wire == MASK)?;
    assert_eq!(mask.ty, Ty::String, "{}: a mask that is not text", body.key);
    let objects: Vec<&str> = body
        .fields
        .iter()
        .filter(|f| f.wire != EXPAND && matches!(f.ty, Ty::Ref(_)))
        .map(|f| f.wire.as_str())
        .collect();
    Some(match objects.as_slice() {
        [one] => Update::Object((*one).to_owned()),
        _ => Update::Flat,
    })
}

/// The wire names whose set values make a mask for `s`: its writable fields
/// (a field the server sets is never changed by an update), but the mask
/// and `expandMask` of a flat body.
pub fn mask_fields(s: &Schema) -> impl Iterator<Item = &crate::spec::Field> {
    s.fields
        .iter()
        .filter(|f| !f.read_only && f.wire != MASK && f.wire != EXPAND)
}

/// Methods every model has through a trait, or that c1 adds: a setter named
/// like one of them would shadow it (`FieldGroup::default()` would stop
/// being `Default`'s), so it is named `with_<field>` instead.
const TAKEN: &[&str] = &[
    "new",
    "changing",
    "default",
    "clone",
    "clone_from",
    "eq",
    "ne",
    "fmt",
    "serialize",
    "deserialize",
    "into",
    "from",
    "try_into",
    "try_from",
    "to_owned",
    "to_string",
    "borrow",
    "borrow_mut",
    "type_id",
    "as_ref",
    "next_page_token",
    "into_items",
];

/// The name of the setter of a field: the field's own, unless taken.
pub fn setter_name(wire: &str) -> String {
    let ident = field_ident(wire);
    if TAKEN.contains(&ident.as_str()) {
        format!("with_{ident}")
    } else {
        ident
    }
}

/// A setter or constructor argument takes the field's type as is (numbers
/// and booleans, so that a literal needs no suffix: `.page_size(50)`), or
/// anything `Into` it (text, enums from `&str`, lists from arrays, ...).
pub fn takes_into(ty: &Ty) -> bool {
    !matches!(
        ty,
        Ty::Bool | Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64 | Ty::F64
    )
}

/// The fields of a constructor: those the spec requires, but what the
/// server sets and an update's mask (made from the set fields).
pub fn constructor_fields<'a>(s: &'a Schema, req: &Requests) -> Vec<&'a crate::spec::Field> {
    s.required
        .iter()
        .map(|wire| s.fields.iter().find(|f| &f.wire == wire).unwrap())
        .filter(|f| !f.read_only)
        .filter(|f| !(f.wire == MASK && req.updates.contains_key(&s.key)))
        .collect()
}
