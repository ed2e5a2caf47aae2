//! Emits `src/services/generated/`: one `#[c1_endpoint]` trait and its handle
//! per service, the handle accessors, the prelude and the features table.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::models::{HEADER, rust_ty};
use crate::names::Names;
use crate::overrides::Overrides;
use crate::plan::{Plan, Service};
use crate::spec::{Operation, Param, Spec, TokenIn, Ty};
use crate::template;

type R<T> = Result<T, String>;

pub fn emit(
    spec: &Spec,
    names: &Names,
    plan: &Plan,
    ov: &Overrides,
) -> R<BTreeMap<String, String>> {
    let mut files = BTreeMap::new();
    for svc in &plan.services {
        let on_client = ov.on_client.contains(&svc.name);
        files.insert(
            format!("{}.rs", svc.module),
            emit_service(spec, names, svc, on_client)?,
        );
    }
    files.insert("mod.rs".into(), emit_mod(plan));
    Ok(files)
}

fn emit_mod(plan: &Plan) -> String {
    let mut out = String::from(HEADER);
    out.push_str("//! Every service of the API, one module and one cargo feature each.\n\n");
    out.push_str("// Some operations have more path parameters than clippy likes; the API decides.\n\
                  // The accessors of disabled services never run: `loop {}` (see `off`).\n\
                  #![allow(deprecated, clippy::too_many_arguments, clippy::empty_loop)]\n\nuse crate::Client;\n\n");
    for s in &plan.services {
        let _ = writeln!(
            out,
            "#[cfg(feature = \"{f}\")]\nmod {m};\n#[cfg(feature = \"{f}\")]\npub use {m}::{{{n}, {n}Handle}};",
            f = s.feature,
            m = s.module,
            n = s.name
        );
    }
    out.push_str(
        "\n/// A handle per enabled service: `client.apps().get(..)`. Each handle\n\
         /// implements only its own service, so method names never clash.\n\
         pub trait ServiceHandles {\n",
    );
    for s in &plan.services {
        let _ = writeln!(
            out,
            "/// The [`{n}`] service (feature `{f}`).\n#[cfg(feature = \"{f}\")]\n{cfg}fn {m}(&self) -> {n}Handle<'_>;",
            f = s.feature,
            m = s.module,
            n = s.name,
            cfg = doc_cfg(&s.feature),
        );
        out.push_str(&disabled_accessor(s));
    }
    out.push_str("}\n\nimpl ServiceHandles for Client {\n");
    for s in &plan.services {
        let _ = writeln!(
            out,
            "#[cfg(feature = \"{f}\")]\nfn {m}(&self) -> {n}Handle<'_> {{ {n}Handle::new(self) }}",
            f = s.feature,
            m = s.module,
            n = s.name
        );
    }
    out.push_str(
        "}\n\n/// Brings every enabled service trait into scope, unnamed.\npub mod prelude {\n",
    );
    out.push_str("pub use super::ServiceHandles as _;\n");
    for s in &plan.services {
        let _ = writeln!(
            out,
            "#[cfg(feature = \"{}\")]\npub use super::{} as _;",
            s.feature, s.name
        );
    }
    out.push_str("}\n\n");
    out.push_str(&disabled_module(plan));
    out
}

/// `#[cfg_attr(docsrs, doc(cfg(feature = "..")))]`: docs.rs (built with
/// `full`) shows which feature enables the item.
fn doc_cfg(feature: &str) -> String {
    format!("#[cfg_attr(docsrs, doc(cfg(feature = \"{feature}\")))]\n")
}

/// The accessor of a service whose feature is off: it exists, so
/// `client.apps()` resolves, but its bound (`Self: off::Apps`, never
/// implemented) fails where it is called, with a message naming the
/// feature. The bound names `Self`, so it is checked at the call, not here.
/// Its type, a projection of the unimplemented trait, is an error type
/// there, so a method called on it adds no error of its own. The body
/// cannot run (nothing implements the bound); `loop {}` is the cheapest to
/// compile, which 132 of these in the default build make count.
fn disabled_accessor(s: &Service) -> String {
    format!(
        "#[cfg(not(feature = \"{f}\"))]\n#[doc(hidden)]\n\
         fn {m}(&self) -> <Self as off::{n}>::Handle where Self: off::{n} {{ loop {{}} }}\n",
        f = s.feature,
        m = s.module,
        n = s.name
    )
}

/// `off`: for each service, a trait implemented by nothing, whose
/// `on_unimplemented` message is the compile error of calling the accessor
/// of a service whose feature is off.
fn disabled_module(plan: &Plan) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let major_minor = version.rsplit_once('.').map_or(version, |(head, _)| head);
    let mut out = String::from(
        "/// What calling the accessor of a service whose feature is off says.\n\
         #[doc(hidden)]\npub mod off {\n",
    );
    for s in &plan.services {
        let _ = writeln!(
            out,
            "#[cfg(not(feature = \"{f}\"))]\n\
             #[diagnostic::on_unimplemented(\n\
             message = \"`client.{m}()` needs the cargo feature `{f}` of c1\",\n\
             label = \"the `{n}` service is in the feature `{f}`, which is off\",\n\
             note = \"enable it in Cargo.toml: `c1 = {{{{ version = \\\"{major_minor}\\\", features = [\\\"{f}\\\"] }}}}` (or its area `area-{a}`; `full` enables every service)\"\n)]\n\
             pub trait {n} {{\ntype Handle;\n}}",
            f = s.feature,
            m = s.module,
            n = s.name,
            a = s.area,
        );
    }
    out.push_str("}\n");
    out
}

fn emit_service(spec: &Spec, names: &Names, svc: &Service, on_client: bool) -> R<String> {
    let n = &svc.name;
    let mut out = String::from(HEADER);
    let _ = writeln!(
        out,
        "//! The `{n}` service: {} operation{}.\n",
        svc.ops.len(),
        if svc.ops.len() == 1 { "" } else { "s" }
    );
    out.push_str("use crate::{Api, Client, Result, c1_endpoint};\n\n");
    let _ = writeln!(
        out,
        "/// The `{n}` service of the API: {count} operation{s}, enabled by the cargo\n\
         /// feature `{f}` (area `area-{a}`).\n///\n\
         /// Reach it through its handle: `client.{m}().<operation>(..)` with\n\
         /// `use c1::prelude::*`.",
        count = svc.ops.len(),
        s = if svc.ops.len() == 1 { "" } else { "s" },
        f = svc.feature,
        a = svc.area,
        m = svc.module,
    );
    if on_client {
        let _ = writeln!(
            out,
            "///\n/// Also implemented on [`Client`] itself: `use c1::{n};` then `client.<operation>(..)`."
        );
    }
    let _ = writeln!(out, "{}pub trait {n}: Api {{", doc_cfg(&svc.feature));
    for &i in &svc.ops {
        out.push_str(&emit_op(&spec.operations[i], names)?);
        out.push_str(&emit_stream(spec, names, svc, &spec.operations[i])?);
    }
    out.push_str("}\n\n");
    let _ = write!(
        out,
        "/// The [`{n}`] service on a borrowed [`Client`]: `client.{m}()`. A call\n\
         /// made through it owns what it needs and borrows neither the handle nor\n\
         /// the client, so a temporary handle will do: `client.{m}().<operation>(..)`\n\
         /// can be returned from a closure, collected or spawned.\n\
         {cfg}#[derive(Debug, Clone, Copy)]\n\
         pub struct {n}Handle<'c>(&'c Client);\n\n\
         impl<'c> {n}Handle<'c> {{\n\
         /// The service on `client`.\n\
         pub fn new(client: &'c Client) -> Self {{ {n}Handle(client) }}\n}}\n\n\
         impl Api for {n}Handle<'_> {{\n\
         fn c1_client(&self) -> &Client {{ self.0 }}\n}}\n\n\
         impl {n} for {n}Handle<'_> {{}}\n",
        m = svc.module,
        cfg = doc_cfg(&svc.feature),
    );
    if on_client {
        let _ = writeln!(out, "\nimpl {n} for Client {{}}");
    }
    Ok(out)
}

/// The DSL template of an operation: `{x}` -> `<x>`, then `?<q>&...`.
pub fn dsl_template(op: &Operation) -> String {
    let mut t = op.path.replace('{', "<").replace('}', ">");
    let query: Vec<String> = op.query.iter().map(|q| format!("<{}>", q.name)).collect();
    if !query.is_empty() {
        t.push('?');
        t.push_str(&query.join("&"));
    }
    t
}

fn emit_op(op: &Operation, names: &Names) -> R<String> {
    let template = dsl_template(op);
    let parsed = template::parse(&template).map_err(|errors| {
        let msgs: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        format!(
            "{}: the template {template} is refused: {}",
            op.id,
            msgs.join("; ")
        )
    })?;
    let placeholders: Vec<&str> = parsed.placeholders().map(|p| p.name.as_str()).collect();
    let declared: Vec<&str> = op
        .path_params
        .iter()
        .chain(&op.query)
        .map(|p| p.name.as_str())
        .collect();
    let mut sorted_p = placeholders.clone();
    let mut sorted_d = declared.clone();
    sorted_p.sort();
    sorted_d.sort();
    if sorted_p != sorted_d || declared.contains(&"request") {
        return Err(format!(
            "{}: placeholders {placeholders:?} vs parameters {declared:?}",
            op.id
        ));
    }
    let method = &names.methods[&op.id];
    let mut out = String::new();
    // The path is said once, by `#[c1_endpoint]`'s own last line (`Sends
    // `POST /api/v1/apps/<id>`.`).
    let _ = writeln!(out, "/// Calls `{}`.\n///", op.id);
    for p in &op.path_params {
        let _ = writeln!(out, "/// - `{}`: a path segment, escaped.", p.name);
    }
    for q in &op.query {
        let what = match q.name.as_str() {
            "page_size" => "how many items per page (the server allows 10 to 100)",
            "page_token" => "the `next_page_token` of the previous page",
            _ => "a query parameter",
        };
        let _ = writeln!(out, "/// - `{}`: {what}; left out when `None`.", q.name);
    }
    let response = &names.types[&op.response];
    if let Some(body) = &op.body {
        let _ = writeln!(
            out,
            "/// - `request`: the JSON body, a [`{0}`](crate::models::{0}).",
            names.types[body]
        );
    }
    let _ = writeln!(
        out,
        "///\n/// Answers a [`{response}`](crate::models::{response})."
    );
    let mut notes = Vec::new();
    if op.added_page_params {
        notes.push(
            "c1 adds the page parameters the spec leaves out; the server reads them.".to_owned(),
        );
    }
    if op.idempotent {
        notes.push("Read-only: retried like a `GET`.".to_owned());
    }
    if let Some(s) = &op.stability {
        notes.push(format!("Stability: {s}."));
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "///\n/// {}", notes.join(" "));
    }
    if op.deprecated {
        out.push_str("#[deprecated(note = \"the vendor deprecates this operation\")]\n");
    }
    let mut args = String::new();
    if op.body.is_some() {
        args.push_str(", body = request");
    }
    if op.idempotent {
        args.push_str(", idempotent");
    }
    let _ = writeln!(out, "#[c1_endpoint({} \"{template}\"{args})]", op.method);
    let _ = write!(out, "async fn {method}(&self");
    for p in &op.path_params {
        let _ = write!(out, ", {}: {}", p.name, path_ty(p, op)?);
    }
    for q in &op.query {
        let _ = write!(out, ", {}: Option<{}>", q.name, query_ty(q, names, op)?);
    }
    if let Some(body) = &op.body {
        let _ = write!(out, ", request: &crate::models::{}", names.types[body]);
    }
    let _ = writeln!(out, ") -> Result<crate::models::{response}>;\n");
    Ok(out)
}

/// The `<method>_stream` of a paginated operation, a provided method of the
/// trait: every item of the listing as a [`c1::Items`] stream, `page_size` at
/// a time. It owns copies of its arguments and a clone of the client, and
/// calls the operation through the service's handle for each page; so it is
/// `'static`, and compiled only where it is used (a provided method is
/// generic over `Self`). Nothing for an operation that does not page.
fn emit_stream(spec: &Spec, names: &Names, svc: &Service, op: &Operation) -> R<String> {
    let Some(page) = &op.page else {
        return Ok(String::new());
    };
    let method = &names.methods[&op.id];
    let stream = format!("{method}_stream");
    let taken = svc
        .ops
        .iter()
        .any(|&j| names.methods[&spec.operations[j].id] == stream);
    if taken {
        return Err(format!(
            "{}: `{stream}` is already an operation's name",
            op.id
        ));
    }
    let params: Vec<&str> = op
        .path_params
        .iter()
        .chain(&op.query)
        .map(|p| p.name.as_str())
        .collect();
    if params.contains(&"client") || params.contains(&"request") {
        return Err(format!(
            "{}: a parameter named `client` or `request`",
            op.id
        ));
    }
    let items = &spec.schemas[&op.response]
        .fields
        .iter()
        .find(|f| f.wire == page.items)
        .ok_or_else(|| format!("{}: no field {}", op.id, page.items))?
        .ty;
    let Ty::Array(item) = items else {
        return Err(format!("{}: {} is not a list", op.id, page.items));
    };
    let item = models_ty(item, names);
    // The signature after `&self`, the copies the stream keeps, and the
    // operation's arguments for a page, in the operation's order.
    let mut sig = String::new();
    let mut copies = String::new();
    let mut args = Vec::new();
    for p in &op.path_params {
        let ty = path_ty(p, op)?;
        let _ = write!(sig, ", {}: {ty}", p.name);
        if ty == "&str" {
            let _ = writeln!(copies, "let {0} = {0}.to_owned();", p.name);
            args.push(format!("&{}", p.name));
        } else {
            args.push(p.name.clone());
        }
    }
    for q in &op.query {
        match q.name.as_str() {
            "page_size" if page.token_in == TokenIn::Query => {
                args.push("Some(page_size)".into());
            }
            "page_token" if page.token_in == TokenIn::Query => {
                args.push("page_token.as_deref()".into());
            }
            _ => {
                let _ = write!(sig, ", {}: Option<{}>", q.name, query_ty(q, names, op)?);
                match &q.ty {
                    Ty::String => {
                        let _ = writeln!(copies, "let {0} = {0}.map(str::to_owned);", q.name);
                        args.push(format!("{}.as_deref()", q.name));
                    }
                    Ty::Enum(_) => args.push(format!("{}.clone()", q.name)),
                    _ => args.push(q.name.clone()),
                }
            }
        }
    }
    // spec.rs checked that the page parameters are there: the query's, or
    // the body's `pageSize` (a 32-bit integer) and `pageToken`.
    let mut bound = "";
    let mut set_token = "";
    match (page.token_in, &op.body) {
        (TokenIn::Query, _) => {}
        (TokenIn::Body, Some(body)) => {
            let size = spec.schemas[body]
                .fields
                .iter()
                .find(|f| f.wire == "pageSize");
            let size = match size.map(|f| &f.ty) {
                Some(Ty::U32) => "page_size",
                _ => "i32::try_from(page_size).unwrap_or(i32::MAX)",
            };
            let _ = write!(
                sig,
                ", request: impl ::std::borrow::Borrow<crate::models::{}>",
                names.types[body]
            );
            let _ = writeln!(
                copies,
                "let mut request = ::std::borrow::Borrow::borrow(&request).clone();\n\
                 request.page_size = Some({size});"
            );
            args.push("&request".into());
            bound = "\nwhere\n    Self: Sized,";
            set_token = "request.page_token = page_token;\n";
        }
        (TokenIn::Body, None) => unreachable!("spec.rs: a body page has a body"),
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// Every item of [`{method}`](Self::{method}), `page_size` at a time (the server\n\
         /// allows 10 to 100): a stream that fetches a page when its first item is\n\
         /// asked for and follows `next_page_token` to the last page. It owns copies\n\
         /// of its arguments and a clone of the client: it can be stored or spawned.\n\
         /// See [`Items`](crate::Items)."
    );
    if op.body.is_some() {
        let _ = writeln!(
            out,
            "///\n/// `request` is the search, by value or by reference (then cloned once);\n\
             /// the stream sets its `page_size` and `page_token`."
        );
    }
    if op.deprecated {
        out.push_str("#[deprecated(note = \"the vendor deprecates this operation\")]\n");
    }
    let _ = writeln!(
        out,
        "fn {stream}(&self{sig}, page_size: u32) -> crate::Items<{item}>{bound} {{\n\
         let client = self.c1_client().clone();\n\
         {copies}\
         crate::Items::new(move |page_token| {{\n\
         {set_token}\
         {n}Handle::new(&client).{method}({args})\n\
         }})\n\
         }}\n",
        n = svc.name,
        args = args.join(", "),
    );
    Ok(out)
}

/// A type as the services name it: models under `crate::models`.
fn models_ty(ty: &Ty, names: &Names) -> String {
    match ty {
        Ty::Ref(_) | Ty::Enum(_) => format!("crate::models::{}", rust_ty(ty, names, false).0),
        _ => rust_ty(ty, names, false).0,
    }
}

fn path_ty(p: &Param, op: &Operation) -> R<&'static str> {
    match p.ty {
        Ty::String => Ok("&str"),
        Ty::I64 => Ok("i64"),
        _ => Err(format!(
            "{}: path parameter {} of type {:?}",
            op.id, p.name, p.ty
        )),
    }
}

fn query_ty(q: &Param, names: &Names, op: &Operation) -> R<String> {
    Ok(match &q.ty {
        Ty::String => "&str".into(),
        Ty::I32 if q.name == "page_size" => "u32".into(),
        Ty::Bool | Ty::I32 | Ty::U32 | Ty::I64 | Ty::U64 => rust_ty(&q.ty, names, false).0,
        Ty::Enum(v) => format!("crate::models::{}", names.enum_of(v).name),
        other => {
            return Err(format!(
                "{}: query parameter {} of type {other:?}",
                op.id, q.name
            ));
        }
    })
}

/// The `[features]` entries: one per service, one per area, and `full`.
pub fn features(plan: &Plan) -> String {
    let mut areas: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in &plan.services {
        areas.entry(&s.area).or_default().push(&s.feature);
    }
    let mut out = String::from(
        "# @generated by c1-codegen, begin: one feature per service, an `area-*` per\n\
         # package of the API, `full` for everything. Edit outside these markers.\n",
    );
    let list = |v: Vec<String>| {
        let items: Vec<String> = v.iter().map(|f| format!("\"{f}\"")).collect();
        format!("[{}]", items.join(", "))
    };
    let area_names: Vec<String> = areas.keys().map(|a| format!("area-{a}")).collect();
    let _ = writeln!(out, "full = {}", list(area_names));
    for (a, feats) in &areas {
        let _ = writeln!(
            out,
            "area-{a} = {}",
            list(feats.iter().map(|f| f.to_string()).collect())
        );
    }
    for s in &plan.services {
        let deps = plan
            .feature_deps
            .get(&s.feature)
            .cloned()
            .unwrap_or_default();
        let _ = writeln!(out, "{} = {}", s.feature, list(deps));
    }
    out.push_str("# @generated by c1-codegen, end\n");
    out
}

/// `overrides.toml`'s `feature_deps`, each naming a service's feature.
pub fn feature_deps(plan: &Plan, ov: &Overrides) -> Result<BTreeMap<String, Vec<String>>, String> {
    match ov
        .feature_deps
        .keys()
        .find(|f| !plan.services.iter().any(|s| s.feature == **f))
    {
        Some(unknown) => Err(format!(
            "overrides.toml: feature_deps: `{unknown}` is not a service's feature"
        )),
        None => Ok(ov.feature_deps.clone()),
    }
}

/// `src/services/generated/index.md`, the index in `c1::services`' docs:
/// every service, the feature that enables it, its accessor and its
/// operations (the method, and the request as declared). The links are
/// plain URLs, not intra-doc links: they resolve where the service is
/// enabled (docs.rs builds with `full`) and warn nowhere else.
pub fn index(spec: &Spec, names: &Names, plan: &Plan) -> String {
    let mut out = String::from(
        "<!-- @generated by c1-codegen from the ConductorOne OpenAPI: do not edit. -->\n\n",
    );
    let _ = writeln!(
        out,
        "# Index: services, features, operations\n\n\
         The {ops} operations of the API in {services} services. Each service is a cargo \
         feature (`area-*` enables a package's services, `full` all of them); call an \
         operation through the service's handle after `use c1::prelude::*;`: \
         `client.apps().get(id).await?`. A request is shown as declared: `<name>` is a \
         path or query parameter. Calling the handle of a service whose feature is off \
         is a compile error naming the feature. The models an operation takes and answers \
         are enabled with it (see [`models`](crate::models) for which feature enables \
         each).\n\n\
         | service and handle | feature | method | sends |\n|---|---|---|---|",
        ops = spec.operations.len(),
        services = plan.services.len(),
    );
    for s in &plan.services {
        let mut ops: Vec<(&str, &Operation)> = s
            .ops
            .iter()
            .map(|&i| {
                let op = &spec.operations[i];
                (names.methods[&op.id].as_str(), op)
            })
            .collect();
        ops.sort_by_key(|(method, _)| *method);
        for (i, (method, op)) in ops.iter().enumerate() {
            let service = if i == 0 {
                format!(
                    "[`{n}`](trait.{n}.html): `client.{m}()`",
                    n = s.name,
                    m = s.module
                )
            } else {
                String::new()
            };
            let feature = if i == 0 {
                format!("`{}`", s.feature)
            } else {
                String::new()
            };
            let deprecated = if op.deprecated { " (deprecated)" } else { "" };
            let _ = writeln!(
                out,
                "| {service} | {feature} | [`{method}`](trait.{n}.html#method.{method}){deprecated} | `{} {}` |",
                op.method,
                dsl_template(op),
                n = s.name,
            );
        }
    }
    out
}
