//! The declaration as this crate sees it: the method's parts that validation
//! and expansion use, read from the syn item without judging them.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{
    FnArg, GenericArgument, Ident, Lifetime, Pat, PathArguments, ReceiverKind, ReturnType,
    TraitItemFn, Type,
};

use crate::attr::Args;

/// One `#[c1_endpoint]` method.
pub struct Endpoint {
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
    /// Its name, when the pattern is a plain name.
    pub ident: Option<Ident>,
    /// The name as the template spells it (without `r#`).
    pub name: String,
}

/// What the method returns.
pub enum Output {
    /// `Result<T>`; `unit` when `T` is `()`.
    Result { ty: Type, unit: bool },
    /// Some other type.
    Other(Type),
    /// Nothing written.
    Missing,
}

impl Endpoint {
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
                FnArg::Typed(t) => {
                    let ident = match &*t.pat {
                        Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
                            Some(p.ident.clone())
                        }
                        _ => None,
                    };
                    params.push(Param {
                        name: ident
                            .as_ref()
                            .map_or_else(String::new, |i| i.unraw().to_string()),
                        ident,
                    });
                }
            }
        }
        let output = match &item.sig.output {
            ReturnType::Default => Output::Missing,
            ReturnType::Type(_, ty) => match result_arg(ty) {
                Some(t) => Output::Result {
                    ty: (**ty).clone(),
                    unit: matches!(t, Type::Tuple(tuple) if tuple.elems.is_empty()),
                },
                None => Output::Other((**ty).clone()),
            },
        };
        Endpoint {
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

/// The `T` of a `...::Result<T>` type.
fn result_arg(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first() {
        Some(GenericArgument::Type(t)) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}
