//! What validation hands expansion: a declaration with every name resolved,
//! so expansion only writes tokens (thiserror's and Rocket's shape: each
//! placeholder bound to its argument once).

use proc_macro2::{Ident, Punct, Spacing, Span, TokenTree};

use crate::ast::{Declaration, Param, ResultType, Tokens};
use crate::attr::{Method, TemplateLit};

/// A valid declaration, resolved.
pub struct Plan<'a> {
    pub decl: &'a Declaration,
    pub method: Method,
    /// Declared `idempotent`.
    pub idempotent: bool,
    /// The template as declared, for the method's doc line.
    pub template: &'a TemplateLit,
    /// The path with placeholders as `{name}`, for the runtime's errors.
    pub display_path: String,
    /// The span of `self`, for the `Api` bound check.
    pub self_span: Span,
    /// The path, in order.
    pub path: Vec<PathPart<'a>>,
    /// The query placeholders, in order, each bound to its argument.
    pub query: Vec<Bound<'a>>,
    /// The parameter sent as the JSON body.
    pub body: Option<Bound<'a>>,
    pub result: &'a ResultType,
    pub send: Send,
}

/// A piece of the path.
pub enum PathPart<'a> {
    /// Literal text with its slashes, e.g. `/api/v1/apps/`.
    Literal(String),
    /// One segment filled by an argument.
    Param(Bound<'a>),
}

/// A placeholder (or the body) and the parameter that fills it.
pub struct Bound<'a> {
    /// The placeholder's name: the query key, or the name in errors.
    pub name: &'a str,
    /// The parameter's name as declared.
    pub ident: &'a Ident,
    /// The parameter, for its type's span in trait-bound errors.
    pub param: &'a Param,
}

impl<'a> Bound<'a> {
    /// The parameter of `decl` named `name` (as the template spells it).
    pub fn find(decl: &'a Declaration, name: &str) -> Option<Self> {
        let param = decl.param(name)?;
        Some(Bound {
            name: &param.name,
            ident: param.ident.as_ref()?,
            param,
        })
    }
}

/// How the answer is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Send {
    /// Decoded as the `T` of `Result<T>`.
    Decoded,
    /// Content ignored: `Result<()>`.
    Empty,
}

impl Plan<'_> {
    /// The path of the c1 crate: `crate = ...` or `::c1`.
    pub fn krate(&self) -> Tokens {
        match &self.decl.args.krate {
            Some(krate) => krate.tokens.clone(),
            None => {
                let colon = |spacing| TokenTree::Punct(Punct::new(':', spacing));
                let c1 = TokenTree::Ident(Ident::new("c1", Span::call_site()));
                vec![colon(Spacing::Joint), colon(Spacing::Alone), c1]
            }
        }
    }
}
