//! The declaration as this crate sees it: the method's parts that validation
//! and expansion use, read from the syn item without judging them. Every part
//! keeps its original syntax, so errors point at the user's tokens and the
//! expansion writes them back unchanged.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{
    Attribute, FnArg, GenericArgument, Ident, Lifetime, Pat, PatType, PathArguments, ReceiverKind,
    ReturnType, TraitItemFn, Type,
};

use crate::attr::Args;

/// One `#[c1_endpoint]` method: the attribute's arguments and the method.
pub struct Declaration {
    pub args: Args,
    pub item: TraitItemFn,
    pub receiver: Receiver,
    pub params: Vec<Param>,
    pub output: Output,
}

/// The method's `self` parameter.
pub enum Receiver {
    /// `&self` or `&'a self`: the one that is accepted.
    Shared {
        lifetime: Option<Lifetime>,
        self_span: Span,
    },
    /// `self`, `&mut self`, `self: Box<Self>` ...
    Other,
    /// No `self` at all.
    Missing,
}

/// A parameter after the receiver.
pub struct Param {
    /// The argument as written (`FnArg::Typed`).
    pub arg: PatType,
    /// Its name, when the pattern is a plain name.
    pub ident: Option<Ident>,
    /// The name as the template spells it ([`unraw`]); empty without `ident`.
    pub name: String,
}

/// What the method returns.
pub enum Output {
    /// A type named `Result` with one or two type arguments.
    Result(Box<ResultType>),
    /// Some other type.
    Other(Box<Type>),
    /// Nothing written.
    Missing,
}

/// `prefix::Result<ok>` or `prefix::Result<ok, error>`, as written.
pub struct ResultType {
    /// The whole type.
    pub ty: Type,
    /// The path before `Result`, e.g. `["std", "io"]` (a leading `::` dropped).
    pub prefix: Vec<String>,
    /// The `T` of `Result<T>`.
    pub ok: Type,
    /// The `E` of `Result<T, E>`.
    pub error: Option<Type>,
}

impl ResultType {
    /// Whether `T` is `()`: the answer's content is ignored.
    pub fn is_unit(&self) -> bool {
        matches!(&self.ok, Type::Tuple(t) if t.elems.is_empty())
    }
}

impl Declaration {
    /// Reads `item` for the arguments `args`.
    pub fn new(args: Args, item: TraitItemFn) -> Self {
        let mut receiver = Receiver::Missing;
        let mut params = Vec::new();
        for arg in &item.sig.inputs {
            match arg {
                FnArg::Receiver(r) => {
                    receiver = match &r.kind {
                        ReceiverKind::Reference(_, lifetime, None) if r.mutability.is_none() => {
                            Receiver::Shared {
                                lifetime: lifetime.clone(),
                                self_span: r.self_token.span,
                            }
                        }
                        _ => Receiver::Other,
                    }
                }
                FnArg::Typed(arg) => params.push(Param::new(arg.clone())),
            }
        }
        let output = match &item.sig.output {
            ReturnType::Default => Output::Missing,
            ReturnType::Type(_, ty) => match result_type(ty) {
                Some(r) => Output::Result(Box::new(r)),
                None => Output::Other(ty.clone()),
            },
        };
        Declaration {
            args,
            item,
            receiver,
            params,
            output,
        }
    }

    /// The parameter named `name` (as the template spells it).
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params
            .iter()
            .find(|p| p.ident.is_some() && p.name == name)
    }
}

impl Param {
    fn new(arg: PatType) -> Self {
        let ident = match &*arg.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(p.ident.clone()),
            _ => None,
        };
        let name = ident.as_ref().map_or_else(String::new, unraw);
        Param { arg, ident, name }
    }
}

/// The name `ident` stands for, without `r#`: the one way this crate strips it.
pub fn unraw(ident: &Ident) -> String {
    ident.unraw().to_string()
}

/// Whether `attr` is a `#[c1_endpoint]`, by any path (`#[c1::c1_endpoint]`).
pub fn is_endpoint_attr(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "c1_endpoint")
}

/// `ty` read as `...::Result<T>` or `...::Result<T, E>`.
fn result_type(ty: &Type) -> Option<ResultType> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let segments: Vec<_> = path.path.segments.iter().collect();
    let (last, prefix) = segments.split_last()?;
    if last.ident != "Result" || prefix.iter().any(|s| !s.arguments.is_none()) {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().map(|a| match a {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    });
    let ok = types.next()??;
    let error = match types.next() {
        None => None,
        Some(e) => Some(e?),
    };
    if types.next().is_some() {
        return None;
    }
    Some(ResultType {
        ty: ty.clone(),
        prefix: prefix.iter().map(|s| s.ident.to_string()).collect(),
        ok,
        error,
    })
}
