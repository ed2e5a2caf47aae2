//! Parses the attribute's arguments: `GET "/path/<id>"`, then optionally
//! `, body = param`, `, idempotent` and `, crate = path`.
//!
//! Parsing recovers from a bad argument by skipping to the next `,`, so the
//! other arguments (and the method signature) are still checked.

use proc_macro2::{Literal, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Path, Token};

use crate::ast::Tokens;
use crate::ctxt::Ctxt;
use crate::template::{self, Template};

mod kw {
    syn::custom_keyword!(body);
    syn::custom_keyword!(idempotent);
}

/// An HTTP method an endpoint can use.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    const ALL: [(&'static str, Method); 5] = [
        ("GET", Method::Get),
        ("POST", Method::Post),
        ("PUT", Method::Put),
        ("PATCH", Method::Patch),
        ("DELETE", Method::Delete),
    ];

    /// The method named `name` exactly (uppercase).
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, m)| *m)
    }

    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether the runtime already treats the method as idempotent (as
    /// `c1_runtime::Method::is_idempotent` does), so `idempotent` is redundant.
    pub fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }

    /// The variant of the runtime's `Method`.
    pub fn variant(self) -> Ident {
        let name = match self {
            Method::Get => "Get",
            Method::Post => "Post",
            Method::Put => "Put",
            Method::Patch => "Patch",
            Method::Delete => "Delete",
        };
        Ident::new(name, Span::call_site())
    }
}

/// The parsed arguments; a part is `None` when it was missing or wrong (the
/// mistake is in the `Ctxt`).
#[derive(Default)]
pub struct Args {
    pub method: Option<Method>,
    /// The method's token, for errors about it (or the call site).
    pub method_span: Option<Span>,
    pub template: Option<(TemplateLit, Template)>,
    /// The `body` keyword's span and the parameter it names.
    pub body: Option<(Span, Ident)>,
    /// Parameters named by a second `body =`, already reported.
    pub extra_bodies: Vec<Ident>,
    /// The `idempotent` flag's span, when given.
    pub idempotent: Option<Span>,
    pub krate: Option<Krate>,
}

/// The template's string literal.
pub struct TemplateLit {
    /// The literal as written.
    pub token: Literal,
    /// Its text.
    pub value: String,
}

impl TemplateLit {
    pub fn span(&self) -> Span {
        self.token.span()
    }
}

/// The path given by `crate = ...`.
pub struct Krate {
    pub tokens: Tokens,
    /// The segments' names, without a leading `::`.
    pub names: Vec<String>,
}

/// Parses `args`, recording every mistake in `cx`.
pub fn parse(cx: &Ctxt, args: TokenStream) -> Args {
    let parser = |input: ParseStream| {
        let mut args = Args::default();
        parse_args(cx, input, &mut args);
        Ok(args)
    };
    // `parse_args` consumes everything and never fails, so neither does this.
    parser.parse2(args).unwrap_or_default()
}

fn parse_args(cx: &Ctxt, input: ParseStream, args: &mut Args) {
    const SHAPE: &str = "expected `#[c1_endpoint(METHOD \"/path\")]`, e.g. `#[c1_endpoint(GET \"/api/v1/apps/<app_id>\")]`";
    if input.is_empty() {
        cx.error(Span::call_site(), SHAPE);
        return;
    }

    // The method.
    if input.peek(Ident) {
        let ident: Ident = input.parse().expect("peeked an identifier");
        args.method_span = Some(ident.span());
        args.method = method(cx, &ident);
    } else if input.peek(LitStr) {
        let lit: LitStr = input.parse().expect("peeked a string");
        cx.error_spanned(
            &lit,
            "expected an HTTP method before the template: one of GET, POST, PUT, PATCH, DELETE",
        );
        args.template = template(cx, lit);
    } else {
        let tt: TokenTree = input.parse().expect("input is not empty");
        cx.error_spanned(&tt, SHAPE);
        skip_to_comma(input);
    }

    // The template, unless it was given without a method.
    if args.method_span.is_some() {
        if input.peek(LitStr) {
            let lit: LitStr = input.parse().expect("peeked a string");
            args.template = template(cx, lit);
        } else if input.is_empty() || input.peek(Token![,]) {
            let method = args.method.map_or("GET", Method::as_str);
            cx.error(
                args.method_span.unwrap_or_else(Span::call_site),
                format!(
                    "expected the path template after the method, e.g. `{method} \"/api/v1/apps/<app_id>\"`"
                ),
            );
        } else {
            let tt: TokenTree = input.parse().expect("input is not empty");
            cx.error_spanned(
                &tt,
                "the template must be a string literal, e.g. \"/api/v1/apps/<app_id>\"",
            );
            skip_to_comma(input);
        }
    }

    // `, key = value` arguments.
    while !input.is_empty() {
        if input.parse::<Token![,]>().is_err() {
            let tt: TokenTree = input.parse().expect("input is not empty");
            cx.error_spanned(&tt, "expected `,` before the next argument");
            skip_to_comma(input);
            continue;
        }
        if input.is_empty() {
            break;
        }
        if let Err(e) = argument(cx, input, args) {
            cx.push(e);
            skip_to_comma(input);
        }
    }
}

/// Parses one `body = param`, `idempotent` or `crate = path`.
fn argument(cx: &Ctxt, input: ParseStream, args: &mut Args) -> syn::Result<()> {
    if input.peek(kw::body) {
        let kw: kw::body = input.parse()?;
        let eq: Token![=] = input.parse()?;
        let ident: Ident = input.parse().map_err(|e| {
            let span = if input.is_empty() { eq.span } else { e.span() };
            syn::Error::new(
                span,
                "expected the name of the parameter to send as the JSON body, e.g. `body = request`",
            )
        })?;
        if let Some((_, first)) = &args.body {
            args.extra_bodies.push(ident.clone());
            cx.error_spanned(
                quote::quote!(#kw = #ident),
                format!("an endpoint has one body, and it is already `{first}`"),
            );
        } else {
            args.body = Some((kw.span, ident));
        }
    } else if input.peek(kw::idempotent) {
        let kw: kw::idempotent = input.parse()?;
        if input.peek(Token![=]) {
            cx.error(
                kw.span,
                "`idempotent` is a flag: write `idempotent` alone, without `= ...`",
            );
            skip_to_comma(input);
        }
        if args.idempotent.is_some() {
            cx.error(kw.span, "`idempotent` is given twice; remove one");
        } else {
            args.idempotent = Some(kw.span);
        }
    } else if input.peek(Token![crate]) {
        let kw: Token![crate] = input.parse()?;
        input.parse::<Token![=]>()?;
        let path = Path::parse_mod_style(input).map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the path of the c1 crate, e.g. `crate = my_c1` or `crate = ::c1`",
            )
        })?;
        if args.krate.is_some() {
            cx.error_spanned(quote::quote!(#kw = #path), "`crate` is given twice");
        } else {
            args.krate = Some(Krate {
                names: path.segments.iter().map(|s| s.ident.to_string()).collect(),
                tokens: path.into_token_stream().into_iter().collect(),
            });
        }
    } else {
        let tt: TokenTree = input.parse()?;
        cx.error_spanned(
            &tt,
            format!(
                "unknown argument `{tt}`; expected `body = <parameter>`, `idempotent` \
                 or `crate = <path>`"
            ),
        );
        skip_to_comma(input);
    }
    if !input.is_empty() && !input.peek(Token![,]) {
        let tt: TokenTree = input.parse()?;
        cx.error_spanned(&tt, "expected `,` before the next argument");
        skip_to_comma(input);
    }
    Ok(())
}

fn method(cx: &Ctxt, ident: &Ident) -> Option<Method> {
    let name = ident.to_string();
    if let Some(m) = Method::from_name(&name) {
        return Some(m);
    }
    let upper = name.to_ascii_uppercase();
    if let Some((n, _)) = Method::ALL.iter().find(|(n, _)| *n == upper) {
        cx.error(
            ident.span(),
            format!("HTTP methods are written in uppercase: `{n}`"),
        );
    } else {
        cx.error(
            ident.span(),
            format!("unknown HTTP method `{name}`; expected one of GET, POST, PUT, PATCH, DELETE"),
        );
    }
    None
}

fn template(cx: &Ctxt, lit: LitStr) -> Option<(TemplateLit, Template)> {
    let value = lit.value();
    match template::parse(&value) {
        Ok(t) => Some((
            TemplateLit {
                token: lit.token(),
                value,
            },
            t,
        )),
        Err(errors) => {
            for e in errors {
                cx.error(lit.span(), e.message);
            }
            None
        }
    }
}

fn skip_to_comma(input: ParseStream) {
    while !input.is_empty() && !input.peek(Token![,]) {
        let _ = input.parse::<TokenTree>();
    }
}
