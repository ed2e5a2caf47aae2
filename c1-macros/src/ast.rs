//! The declaration as this crate sees it: the method's parts that validation
//! and expansion use, without judging them. Every part is kept as the tokens
//! written, so errors point at the user's tokens and the expansion writes
//! them back unchanged; the few facts validation needs (the receiver's kind,
//! a parameter's name, the shape of the return type) are read out once.
//!
//! Two readers fill it: [`crate::scan`] reads the plain shapes straight from
//! the tokens, and [`Declaration::from_syn`] reads anything syn parses.

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::{
    Attribute, FnArg, GenericArgument, Pat, PathArguments, ReceiverKind, ReturnType, Safety,
    TraitItemFn, Type,
};

use crate::attr::Args;

/// A part of the declaration, as written.
pub type Tokens = Vec<TokenTree>;

/// One `#[c1_endpoint]` method: the attribute's arguments and the method.
pub struct Declaration {
    pub args: Args,
    /// The method's attributes (doc comments included), in order.
    pub attrs: Vec<Attr>,
    pub sig: Signature,
    pub receiver: Receiver,
    pub params: Vec<Param>,
    pub output: Output,
}

/// An attribute of the method: `#` and its brackets.
pub struct Attr {
    pub tokens: Tokens,
    /// `#[doc ...]`, a doc comment.
    pub is_doc: bool,
    /// Another `#[c1_endpoint]`, by any path (`#[c1::c1_endpoint]`).
    pub is_endpoint: bool,
}

/// The signature, apart from its parameters and return type.
pub struct Signature {
    pub asyncness: bool,
    pub fn_token: Span,
    pub constness: Option<Span>,
    pub unsafety: Option<Span>,
    /// `extern "ABI"`.
    pub abi: Option<Tokens>,
    /// The span of a body, when one is written.
    pub body: Option<Span>,
    pub ident: Ident,
    /// `<...>` without the where clause; empty without generics.
    pub generics: Tokens,
    pub where_clause: Tokens,
    /// What is between the parentheses, receiver included.
    pub inputs: Tokens,
}

/// The method's `self` parameter.
pub enum Receiver {
    /// `&self` or `&'a self`: the one that is accepted.
    Shared { self_span: Span },
    /// `self`, `&mut self`, `self: Box<Self>` ..., as written.
    Other(Tokens),
    /// No `self` at all.
    Missing,
}

/// A parameter after the receiver.
pub struct Param {
    /// The pattern, e.g. the name.
    pub pat: Tokens,
    pub ty: Tokens,
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
    Other(Tokens),
    /// Nothing written.
    Missing,
}

/// `prefix::Result<ok>` or `prefix::Result<ok, error>`, as written.
pub struct ResultType {
    /// The whole type.
    pub ty: Tokens,
    /// The path before `Result`, e.g. `["std", "io"]` (a leading `::` dropped).
    pub prefix: Vec<String>,
    /// The `T` of `Result<T>`.
    pub ok: Tokens,
    /// Whether `T` is `()`: the answer's content is ignored.
    pub is_unit: bool,
    /// The `E` of `Result<T, E>`.
    pub error: Option<ErrorType>,
}

/// The `E` of `Result<T, E>`.
pub struct ErrorType {
    pub ty: Tokens,
    /// The path before `Error` when `E` is a path ending in `Error`.
    pub prefix: Option<Vec<String>>,
}

impl Declaration {
    /// Reads `item` (parsed by syn) for the arguments `args`.
    pub fn from_syn(args: Args, item: &TraitItemFn) -> Self {
        let sig = &item.sig;
        let mut receiver = Receiver::Missing;
        let mut params = Vec::new();
        for arg in &sig.inputs {
            match arg {
                FnArg::Receiver(r) => {
                    receiver = match &r.kind {
                        ReceiverKind::Reference(_, _, None) if r.mutability.is_none() => {
                            Receiver::Shared {
                                self_span: r.self_token.span,
                            }
                        }
                        _ => Receiver::Other(tokens(r)),
                    }
                }
                FnArg::Typed(arg) => {
                    let ident = match &*arg.pat {
                        Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
                            Some(p.ident.clone())
                        }
                        _ => None,
                    };
                    params.push(Param::new(tokens(&arg.pat), tokens(&arg.ty), ident));
                }
            }
        }
        let output = match &sig.output {
            ReturnType::Default => Output::Missing,
            ReturnType::Type(_, ty) => match result_type(ty) {
                Some(r) => Output::Result(Box::new(r)),
                None => Output::Other(tokens(ty)),
            },
        };
        Declaration {
            args,
            attrs: item.attrs.iter().map(Attr::from_syn).collect(),
            sig: Signature::from_syn(item),
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

impl Attr {
    fn from_syn(attr: &Attribute) -> Self {
        Attr {
            tokens: tokens(attr),
            is_doc: attr.path().is_ident("doc"),
            is_endpoint: is_endpoint_attr(attr),
        }
    }
}

impl Signature {
    fn from_syn(item: &TraitItemFn) -> Self {
        let sig = &item.sig;
        Signature {
            asyncness: sig.asyncness.is_some(),
            fn_token: sig.fn_token.span,
            constness: sig.constness.map(|c| c.span),
            unsafety: match &sig.safety {
                Safety::Unsafe(token) => Some(token.span),
                _ => None,
            },
            abi: sig.abi.as_ref().map(tokens),
            body: item.default.as_ref().map(|b| b.brace_token.span.join()),
            ident: sig.ident.clone(),
            generics: tokens(&sig.generics),
            where_clause: tokens(&sig.generics.where_clause),
            inputs: tokens(&sig.inputs),
        }
    }
}

impl Param {
    /// A parameter whose pattern is `pat`; `ident` when it is a plain name.
    pub fn new(pat: Tokens, ty: Tokens, ident: Option<Ident>) -> Self {
        let name = ident.as_ref().map_or_else(String::new, unraw);
        Param {
            pat,
            ty,
            ident,
            name,
        }
    }
}

/// The name `ident` stands for, without `r#`: the one way this crate strips it.
pub fn unraw(ident: &Ident) -> String {
    ident.unraw().to_string()
}

/// `tokens` as a stream, e.g. for an error spanning them.
pub fn stream(tokens: &[TokenTree]) -> TokenStream {
    tokens.iter().cloned().collect()
}

/// The span covering `tokens` (as syn's `Spanned` computes it), or the call
/// site when there are none.
pub fn span_of(tokens: &[TokenTree]) -> Span {
    match tokens {
        [] => Span::call_site(),
        [only] => only.span(),
        [first, .., last] => first.span().join(last.span()).unwrap_or(first.span()),
    }
}

/// Whether `tokens` are `()`.
pub fn is_unit(tokens: &[TokenTree]) -> bool {
    matches!(tokens, [TokenTree::Group(g)]
        if g.delimiter() == Delimiter::Parenthesis && g.stream().is_empty())
}

/// Whether `attr` is a `#[c1_endpoint]`, by any path (`#[c1::c1_endpoint]`).
pub fn is_endpoint_attr(attr: &Attribute) -> bool {
    attr.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "c1_endpoint")
}

fn tokens(node: impl ToTokens) -> Tokens {
    node.into_token_stream().into_iter().collect()
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
        GenericArgument::Type(t) => Some(t),
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
    let ok = tokens(ok);
    Some(ResultType {
        ty: tokens(ty),
        prefix: prefix.iter().map(|s| s.ident.to_string()).collect(),
        is_unit: is_unit(&ok),
        ok,
        error: error.map(|e| ErrorType {
            ty: tokens(e),
            prefix: path_names(e, "Error"),
        }),
    })
}

/// The prefix of `ty` when it is a path ending in `last` without arguments.
fn path_names(ty: &Type, last: &str) -> Option<Vec<String>> {
    let Type::Path(path) = ty else { return None };
    let segments: Vec<_> = path.path.segments.iter().collect();
    let (end, prefix) = segments.split_last()?;
    (path.qself.is_none() && end.ident == last && end.arguments.is_none())
        .then(|| prefix.iter().map(|s| s.ident.to_string()).collect())
}
