//! Writes the method of a [`Plan`]: a plain `fn` returning
//! `impl Future + Send` that builds the request eagerly, so the future
//! borrows only `self` (`use<'_, Self, ..>`), never the arguments.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};

use crate::ast::span_of;
use crate::plan::{PathPart, Plan, Send};

/// The method that `plan` declares.
pub fn method(plan: &Plan) -> TokenStream {
    let krate = plan.krate();
    let docs = docs(plan);
    let signature = signature(plan, &krate);
    let body = body(plan, &krate);
    quote! {
        #docs
        #signature {
            #body
        }
    }
}

/// The user's attributes, then a line saying what is sent, with the
/// template as declared.
fn docs(plan: &Plan) -> TokenStream {
    let attrs = &plan.decl.attrs;
    let has_docs = attrs.iter().any(|a| a.is_doc);
    let separator = has_docs.then(|| quote!(#[doc = ""]));
    let line = format!(" Sends `{} {}`.", plan.method.as_str(), plan.template.value);
    let attrs = attrs.iter().flat_map(|a| &a.tokens);
    quote! {
        #(#attrs)*
        #separator
        #[doc = #line]
    }
}

/// `fn name<..>(&self, ..) -> impl Future<Output = c1::Result<T>> + Send +
/// use<..>`: the user's signature without `async`. `use<..>` names the
/// receiver's lifetime (elided: `'_`), `Self` and every type or const
/// parameter (a trait's opaque type must capture all of those), and no
/// lifetime of the arguments. The output names c1's result, the type the body
/// has; the declared type is checked against it in the body.
fn signature(plan: &Plan, krate: &[TokenTree]) -> TokenStream {
    let sig = &plan.decl.sig;
    let lifetime = match plan.lifetime {
        Some(l) => quote!(#(#l)*),
        None => quote!('_),
    };
    let captured = &sig.captured;
    let ident = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &sig.where_clause;
    let inputs = &sig.inputs;
    let ok = &plan.result.ok;
    quote! {
        fn #ident #(#generics)* (#(#inputs)*)
            -> impl ::core::future::Future<Output = #(#krate)*::Result<#(#ok)*>>
                + ::core::marker::Send
                + use<#lifetime, Self #(, #captured)*>
            #(#where_clause)*
    }
}

/// Checks the declared types, builds the request, returns its future.
fn body(plan: &Plan, krate: &[TokenTree]) -> TokenStream {
    // The expansion's locals resolve at the macro's definition site, so a
    // parameter may have any name, `__c1_request` included.
    let request = Ident::new("__c1_request", Span::mixed_site());
    let ret = &plan.result.ty;
    let returns = quote_spanned!(span_of(ret)=> #(#krate)*::__private::returns::<#(#ret)*>(););
    // Spanned on `T`, with serde's hint to derive `Deserialize`.
    let ok = &plan.result.ok;
    let decodes = (plan.send == Send::Decoded)
        .then(|| quote_spanned!(span_of(ok)=> #(#krate)*::__private::decodes::<#(#ok)*>();));
    let client = quote_spanned!(plan.self_span=> #(#krate)*::__private::client(self));
    let variant = plan.method.variant();
    let display = &plan.display_path;
    let idempotent = plan.idempotent.then(|| quote!(.idempotent()));
    let steps = steps(plan, &request);
    // Spanned on `T` too: the `DeserializeOwned` bound of `send` fails
    // where `decodes` does.
    let send = match plan.send {
        Send::Decoded => quote_spanned!(span_of(ok)=> #request.send()),
        Send::Empty => quote!(#request.send_empty()),
    };
    quote! {
        #returns
        #decodes
        let mut #request = #(#krate)*::__private::Request::new(#client, {
            // In a block of its own: no parameter can be shadowed by it.
            static __C1_ENDPOINT: #(#krate)*::__private::Endpoint =
                #(#krate)*::__private::Endpoint::new(#(#krate)*::__private::Method::#variant, #display)
                    #idempotent;
            &__C1_ENDPOINT
        });
        #(#steps)*
        #send
    }
}

/// The calls that fill the request: path, query, body. A path or query
/// call is spanned on the parameter's type, where a missing `PathValue` or
/// `QueryValue` is reported.
fn steps(plan: &Plan, request: &Ident) -> Vec<TokenStream> {
    let mut steps = Vec::new();
    for part in &plan.path {
        steps.push(match part {
            PathPart::Literal(text) => quote!(#request.path_literal(#text);),
            PathPart::Param(bound) => {
                let (name, arg) = (bound.name, bound.ident);
                quote_spanned!(span_of(&bound.param.ty)=> #request.path_param(#name, &#arg);)
            }
        });
    }
    for bound in &plan.query {
        let (name, arg) = (bound.name, bound.ident);
        let span = span_of(&bound.param.ty);
        steps.push(quote_spanned!(span=> #request.query_param(#name, &#arg);));
    }
    if let Some(body) = &plan.body {
        let arg = body.ident;
        steps.push(quote!(#request.json_body(&#arg);));
    }
    steps
}
