//! Emits `c1-fake/src/catalog/generated.rs`: the one description of the
//! API the fake serves (operations with their pages and family roles,
//! schemas by name with their oneofs), in the types of
//! `c1-fake/src/catalog/mod.rs`. Schemas are referred to by name, so a new
//! schema adds lines and renumbers nothing.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::families::Role;
use crate::models::HEADER;
use crate::names::Names;
use crate::spec::{self, Spec, Ty};

pub fn emit(spec: &Spec, names: &Names, roles: &BTreeMap<String, Role>) -> String {
    let mut out = String::from(HEADER);
    out.push_str("\nuse super::{Field, Kind, Operation, Page, Role, Schema, TokenIn, Ty};\n\n");
    out.push_str("pub(crate) static OPERATIONS: &[Operation] = &[\n");
    for op in &spec.operations {
        let query: Vec<String> = op.query.iter().map(|q| field(&q.name, &q.ty)).collect();
        let page = op.page.as_ref().map_or("None".to_owned(), |p| {
            let token_in = match p.token_in {
                spec::TokenIn::Query => "Query",
                spec::TokenIn::Body => "Body",
            };
            format!(
                "Some(Page {{ items: {:?}, token_in: TokenIn::{token_in} }})",
                p.items
            )
        });
        let role = roles.get(&op.id).map_or("None".to_owned(), role);
        let _ = writeln!(
            out,
            "Operation {{ id: {:?}, service: {:?}, name: {:?}, method: {:?}, template: {:?}, query: &[{}], request: {:?}, response: {:?}, page: {page}, role: {role} }},",
            op.id,
            op.service,
            names.methods[&op.id],
            op.method,
            op.path,
            query.join(", "),
            op.body,
            op.response,
        );
    }
    out.push_str("];\n\n/// Sorted by name: found by binary search.\n");
    out.push_str("pub(crate) static SCHEMAS: &[Schema] = &[\n");
    for s in spec.schemas.values() {
        let fields: Vec<String> = s.fields.iter().map(|f| field(&f.wire, &f.ty)).collect();
        let oneofs: Vec<String> = s.oneofs.iter().map(|g| format!("&{g:?}")).collect();
        let _ = writeln!(
            out,
            "Schema {{ name: {:?}, fields: &[{}], oneofs: &[{}] }},",
            s.key,
            fields.join(", "),
            oneofs.join(", ")
        );
    }
    out.push_str("];\n");
    out
}

fn role(r: &Role) -> String {
    format!(
        "Some(Role {{ entity: {:?}, kind: Kind::{:?}, id_param: {:?}, scope: &{:?}, entity_at: &{:?}, body_at: {}, mask: {:?} }})",
        r.entity,
        r.kind,
        r.id_param,
        r.scope,
        r.entity_at,
        r.body_at
            .as_ref()
            .map_or("None".to_owned(), |b| format!("Some(&{b:?})")),
        r.mask,
    )
}

fn field(name: &str, ty: &Ty) -> String {
    format!("Field {{ name: {name:?}, ty: {} }}", ty_expr(ty))
}

fn ty_expr(ty: &Ty) -> String {
    match ty {
        Ty::Bool => "Ty::Bool".into(),
        Ty::I32 => "Ty::Int32".into(),
        Ty::U32 => "Ty::Uint32".into(),
        Ty::I64 => "Ty::Int64".into(),
        Ty::U64 => "Ty::Uint64".into(),
        Ty::F64 => "Ty::Number".into(),
        Ty::String => "Ty::String".into(),
        Ty::Bytes => "Ty::Bytes".into(),
        Ty::DateTime => "Ty::DateTime".into(),
        Ty::Duration => "Ty::Duration".into(),
        Ty::Enum(v) => format!("Ty::Enum(&{v:?})"),
        Ty::Object => "Ty::Object".into(),
        Ty::Empty => "Ty::Empty".into(),
        Ty::Value => "Ty::Value".into(),
        Ty::Ref(r) => format!("Ty::Ref({r:?})"),
        Ty::Array(t) => format!("Ty::Array(&{})", ty_expr(t)),
        Ty::Map(t) => format!("Ty::Map(&{})", ty_expr(t)),
    }
}
