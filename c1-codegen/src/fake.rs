//! Emits `c1-fake/src/catalog/generated.rs`: the operations and schemas the
//! fake serves, in the types of `c1-fake/src/catalog/mod.rs`.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::models::HEADER;
use crate::names::Names;
use crate::spec::{Spec, Ty};

pub fn emit(spec: &Spec, names: &Names) -> String {
    let index: BTreeMap<&String, usize> = spec
        .schemas
        .keys()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    let mut out = String::from(HEADER);
    out.push_str("\nuse super::{Field, Operation, Schema, Ty};\n\n");
    out.push_str("pub(crate) static OPERATIONS: &[Operation] = &[\n");
    for op in &spec.operations {
        let query: Vec<String> = op
            .query
            .iter()
            .map(|q| field(&q.name, &q.ty, &index))
            .collect();
        let _ = writeln!(
            out,
            "Operation {{ id: {:?}, service: {:?}, name: {:?}, method: {:?}, template: {:?}, query: &[{}], request: {}, response: {} }},",
            op.id,
            op.service,
            names.methods[&op.id],
            op.method,
            op.path,
            query.join(", "),
            op.body
                .as_ref()
                .map_or("None".to_owned(), |b| format!("Some({})", index[b])),
            index[&op.response],
        );
    }
    out.push_str("];\n\npub(crate) static SCHEMAS: &[Schema] = &[\n");
    for s in spec.schemas.values() {
        let fields: Vec<String> = s
            .fields
            .iter()
            .map(|f| field(&f.wire, &f.ty, &index))
            .collect();
        let _ = writeln!(
            out,
            "Schema {{ name: {:?}, fields: &[{}] }},",
            s.key,
            fields.join(", ")
        );
    }
    out.push_str("];\n");
    out
}

fn field(name: &str, ty: &Ty, index: &BTreeMap<&String, usize>) -> String {
    format!("Field {{ name: {name:?}, ty: {} }}", ty_expr(ty, index))
}

fn ty_expr(ty: &Ty, index: &BTreeMap<&String, usize>) -> String {
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
        Ty::Value => "Ty::Value".into(),
        Ty::Ref(r) => format!("Ty::Ref({})", index[r]),
        Ty::Array(t) => format!("Ty::Array(&{})", ty_expr(t, index)),
        Ty::Map(t) => format!("Ty::Map(&{})", ty_expr(t, index)),
    }
}
