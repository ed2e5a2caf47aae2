//! Writes the method of a [`Plan`]: a plain `fn` returning the runtime's
//! `Call`, a named future, that builds the request eagerly, so the future
//! borrows nothing: neither the arguments nor `self`.
//!
//! For `GET "/w/<id>?<n>"` on `async fn get(&self, id: &str, n: Option<u32>)
//! -> Result<W>` it writes (with `::c1` or the `crate = ` path as `K`):
//!
//! ```text
//! #[doc = " Sends `GET /w/<id>?<n>`."]
//! fn get(&self, id: &str, n: Option<u32>) -> K::Call<'static, W> {
//!     K::__private::returns::<Result<W>>();
//!     K::__private::decodes::<W>();
//!     let mut __c1_request = K::__private::Request::new(K::__private::client(self), {
//!         static __C1_ENDPOINT: K::__private::Endpoint =
//!             K::__private::Endpoint::new(K::__private::Method::Get, "/w/<id>");
//!         &__C1_ENDPOINT
//!     });
//!     __c1_request.path_literal("/w/");
//!     __c1_request.path_param("id", &id);
//!     __c1_request.query_param("n", &n);
//!     __c1_request.send()
//! }
//! ```
//!
//! The tokens are written one by one into a [`Writer`] rather than with
//! `quote!`: in an unoptimized proc macro each `quote!` interpolation and
//! nested stream costs calls into the compiler, and a crate of 1,000
//! endpoints paid for them on every rebuild (issue 14).

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

use crate::ast::span_of;
use crate::plan::{PathPart, Plan, Send};

/// The method that `plan` declares.
pub fn method(plan: &Plan) -> TokenStream {
    let mut w = Writer {
        tokens: Vec::new(),
        span: Span::call_site(),
        krate: plan.krate(),
    };
    docs(&mut w, plan);
    signature(&mut w, plan);
    w.group(Delimiter::Brace, |w| body(w, plan));
    w.tokens.into_iter().collect()
}

/// The user's attributes, then a line saying what is sent, with the
/// template as declared.
fn docs(w: &mut Writer, plan: &Plan) {
    let attrs = &plan.decl.attrs;
    for attr in attrs {
        w.copy(&attr.tokens);
    }
    if attrs.iter().any(|a| a.is_doc) {
        w.doc("");
    }
    w.doc(&format!(
        " Sends `{} {}`.",
        plan.method.as_str(),
        plan.template.value
    ));
}

/// `fn name<..>(&self, ..) -> c1::Call<'static, T>`: the user's signature
/// without `async`, returning the runtime's named future (an `impl Future`
/// per method would make rustc check a type of its own for each). `'static`:
/// the call owns its request and a handle on the client, so it borrows
/// neither the arguments nor `self` (a temporary service handle, say). The
/// output names c1's result, the type the body has; the declared type is
/// checked against it in the body.
fn signature(w: &mut Writer, plan: &Plan) {
    let sig = &plan.decl.sig;
    w.ident("fn").push(TokenTree::Ident(sig.ident.clone()));
    w.copy(&sig.generics);
    w.group(Delimiter::Parenthesis, |w| {
        w.copy(&sig.inputs);
    });
    w.punct("->").krate().path("::Call").punct("<");
    w.punct("'").ident("static");
    w.punct(",").copy(&plan.result.ok).punct(">");
    w.copy(&sig.where_clause);
}

/// Checks the declared types, builds the request, returns its future.
fn body(w: &mut Writer, plan: &Plan) {
    // The expansion's locals resolve at the macro's definition site, so a
    // parameter may have any name, `__c1_request` included.
    let request = Ident::new("__c1_request", Span::mixed_site());
    let ret = &plan.result.ty;
    w.span = span_of(ret);
    w.private("returns")
        .punct("::")
        .punct("<")
        .copy(ret)
        .punct(">");
    w.call(|_| {}).punct(";");
    // Spanned on `T`, with serde's hint to derive `Deserialize`.
    let ok = &plan.result.ok;
    let ok_span = span_of(ok);
    if plan.send == Send::Decoded {
        w.span = ok_span;
        w.private("decodes")
            .punct("::")
            .punct("<")
            .copy(ok)
            .punct(">");
        w.call(|_| {}).punct(";");
    }
    w.span = Span::call_site();
    w.ident("let")
        .ident("mut")
        .push(TokenTree::Ident(request.clone()));
    w.punct("=").private("Request").path("::new");
    w.call(|w| {
        w.span = plan.self_span;
        w.private("client").call(|w| {
            w.ident("self");
        });
        w.span = Span::call_site();
        w.punct(",").group(Delimiter::Brace, |w| endpoint(w, plan));
    });
    w.punct(";");
    steps(w, plan, &request);
    // Spanned on `T` too: the `DeserializeOwned` bound of `send` fails
    // where `decodes` does.
    let send = match plan.send {
        Send::Decoded => {
            w.span = ok_span;
            "send"
        }
        Send::Empty => "send_empty",
    };
    w.push(TokenTree::Ident(request)).punct(".").ident(send);
    w.call(|_| {});
}

/// `static __C1_ENDPOINT: Endpoint = ..; &__C1_ENDPOINT`, in a block of its
/// own: no parameter can be shadowed by it.
fn endpoint(w: &mut Writer, plan: &Plan) {
    w.ident("static").ident("__C1_ENDPOINT").punct(":");
    w.private("Endpoint")
        .punct("=")
        .private("Endpoint")
        .path("::new");
    w.call(|w| {
        w.private("Method").punct("::");
        w.push(TokenTree::Ident(plan.method.variant()));
        w.punct(",").string(&plan.display_path);
    });
    if plan.idempotent {
        w.punct(".").ident("idempotent").call(|_| {});
    }
    w.punct(";").punct("&").ident("__C1_ENDPOINT");
}

/// The calls that fill the request: path, query, body. A path or query
/// call is spanned on the parameter's type, where a missing `PathValue` or
/// `QueryValue` is reported.
fn steps(w: &mut Writer, plan: &Plan, request: &Ident) {
    let step =
        |w: &mut Writer, span: Span, method: &str, name: Option<&str>, arg: Option<&Ident>| {
            w.span = span;
            w.push(TokenTree::Ident(request.clone()))
                .punct(".")
                .ident(method);
            w.call(|w| {
                if let Some(name) = name {
                    w.string(name);
                }
                if let Some(arg) = arg {
                    if name.is_some() {
                        w.punct(",");
                    }
                    w.punct("&").push(TokenTree::Ident(arg.clone()));
                }
            });
            w.punct(";");
            w.span = Span::call_site();
        };
    for part in &plan.path {
        match part {
            PathPart::Literal(text) => {
                let call_site = Span::call_site();
                step(w, call_site, "path_literal", Some(text), None);
            }
            PathPart::Param(b) => {
                let span = span_of(&b.param.ty);
                step(w, span, "path_param", Some(b.name), Some(b.ident));
            }
        }
    }
    for b in &plan.query {
        let span = span_of(&b.param.ty);
        step(w, span, "query_param", Some(b.name), Some(b.ident));
    }
    if let Some(b) = &plan.body {
        step(w, Span::call_site(), "json_body", None, Some(b.ident));
    }
}

/// Tokens being written, each new one spanned at `span`.
struct Writer {
    tokens: Vec<TokenTree>,
    span: Span,
    /// The c1 crate's path.
    krate: Vec<TokenTree>,
}

impl Writer {
    fn push(&mut self, token: TokenTree) -> &mut Self {
        self.tokens.push(token);
        self
    }

    /// Copies `tokens` with their own spans.
    fn copy(&mut self, tokens: &[TokenTree]) -> &mut Self {
        self.tokens.extend_from_slice(tokens);
        self
    }

    fn ident(&mut self, name: &str) -> &mut Self {
        self.push(TokenTree::Ident(Ident::new(name, self.span)))
    }

    /// One operator, e.g. `::` or `->` (a `'` is joint to the name after it).
    fn punct(&mut self, op: &str) -> &mut Self {
        let last = op.len() - 1;
        for (i, ch) in op.chars().enumerate() {
            let joint = i < last || ch == '\'';
            let spacing = if joint {
                Spacing::Joint
            } else {
                Spacing::Alone
            };
            let mut punct = Punct::new(ch, spacing);
            punct.set_span(self.span);
            self.push(TokenTree::Punct(punct));
        }
        self
    }

    /// A path such as `::core::marker::Send`.
    fn path(&mut self, path: &str) -> &mut Self {
        for segment in path.split("::").skip(1) {
            self.punct("::").ident(segment);
        }
        self
    }

    fn krate(&mut self) -> &mut Self {
        self.tokens.extend_from_slice(&self.krate);
        self
    }

    /// `K::__private::name`.
    fn private(&mut self, name: &str) -> &mut Self {
        self.krate().path("::__private").punct("::").ident(name)
    }

    fn string(&mut self, text: &str) -> &mut Self {
        let mut literal = Literal::string(text);
        literal.set_span(Span::call_site());
        self.push(TokenTree::Literal(literal))
    }

    /// `#[doc = "text"]`.
    fn doc(&mut self, text: &str) -> &mut Self {
        self.punct("#");
        self.group(Delimiter::Bracket, |w| {
            w.ident("doc").punct("=").string(text);
        })
    }

    /// A group of what `inner` writes, spanned at the current span.
    fn group(&mut self, delimiter: Delimiter, inner: impl FnOnce(&mut Writer)) -> &mut Self {
        let span = self.span;
        let outer = std::mem::take(&mut self.tokens);
        inner(self);
        let stream: TokenStream = std::mem::replace(&mut self.tokens, outer)
            .into_iter()
            .collect();
        self.span = span;
        let mut group = Group::new(delimiter, stream);
        group.set_span(span);
        self.push(TokenTree::Group(group))
    }

    /// `(..)`: a call's arguments.
    fn call(&mut self, args: impl FnOnce(&mut Writer)) -> &mut Self {
        self.group(Delimiter::Parenthesis, args)
    }
}
