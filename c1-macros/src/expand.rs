//! Generates the method of a valid declaration: a plain `fn` returning
//! `impl Future + Send` that builds the request eagerly, so the future
//! borrows only `self` (`use<'c1, Self, ..>`), never the arguments.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Ident, Lifetime, LifetimeParam, ReceiverKind, Token};

use crate::ast::{Endpoint, Output, Receiver};
use crate::template::Segment;

/// The expansion of `endpoint`, which validation accepted.
pub fn endpoint(endpoint: &Endpoint) -> TokenStream {
    let krate = crate_path(endpoint);
    let (Some(method), Some((_, template))) = (endpoint.args.method, &endpoint.args.template)
    else {
        unreachable!("validation rejects a declaration without method or template")
    };
    let Output::Result(result) = &endpoint.output else {
        unreachable!("validation rejects a declaration without `Result<T>`")
    };
    let Receiver::Shared {
        lifetime,
        self_span,
    } = &endpoint.receiver
    else {
        unreachable!("validation rejects a declaration without `&self`")
    };

    let item = &endpoint.item;
    let mut sig = item.sig.clone();
    sig.asyncness = None;

    // The receiver's lifetime: the user's, or a new `'c1`.
    let lifetime = match lifetime {
        Some(l) => l.clone(),
        None => {
            let l = Lifetime::new("'c1", Span::call_site());
            sig.generics
                .params
                .insert(0, GenericParam::Lifetime(LifetimeParam::new(l.clone())));
            if sig.generics.lt_token.is_none() {
                sig.generics.lt_token = Some(<Token![<]>::default());
                sig.generics.gt_token = Some(<Token![>]>::default());
            }
            for arg in &mut sig.inputs {
                if let FnArg::Receiver(r) = arg
                    && let ReceiverKind::Reference(_, slot, _) = &mut r.kind
                {
                    *slot = Some(l.clone());
                }
            }
            l
        }
    };

    // `use<..>` names the receiver's lifetime, `Self` and every type or const
    // parameter (a trait's opaque type must capture all of those).
    let captured_types = sig.generics.params.iter().filter_map(|p| match p {
        GenericParam::Type(t) => Some(t.ident.clone()),
        GenericParam::Const(c) => Some(c.ident.clone()),
        GenericParam::Lifetime(_) => None,
    });
    let ident = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &sig.generics.where_clause;
    let inputs = &sig.inputs;

    let display = template.display_path();
    let mut doc = format!(" Sends `{} {display}", method.as_str());
    for (i, p) in template.query.iter().enumerate() {
        doc.push(if i == 0 { '?' } else { '&' });
        doc.push_str(&p.name);
    }
    doc.push_str("`.");
    let has_docs = item.attrs.iter().any(|a| a.path().is_ident("doc"));
    let separator = has_docs.then(|| quote!(#[doc = ""]));
    let attrs = &item.attrs;

    // The expansion's locals resolve at the macro's definition site, so a
    // parameter may have any name, `__c1_request` included.
    let request = Ident::new("__c1_request", Span::mixed_site());
    let variant = method.variant();
    let idempotent = endpoint.args.idempotent.map(|_| quote!(.idempotent()));
    let client = quote_spanned!(*self_span=> #krate::__private::client(self));
    let mut steps = Vec::new();
    let mut literal = String::new();
    for segment in &template.segments {
        literal.push('/');
        match segment {
            Segment::Literal(text) => literal.push_str(text),
            Segment::Param(p) => {
                steps.push(quote!(#request.path_literal(#literal);));
                literal.clear();
                let name = &p.name;
                let arg = endpoint.param(name).and_then(|p| p.ident.as_ref());
                steps.push(quote!(#request.path_param(#name, &#arg);));
            }
        }
    }
    if !literal.is_empty() {
        steps.push(quote!(#request.path_literal(#literal);));
    }
    for p in &template.query {
        let name = &p.name;
        let arg = endpoint.param(name).and_then(|p| p.ident.as_ref());
        steps.push(quote!(#request.query_param(#name, &#arg);));
    }
    if let Some((_, body)) = &endpoint.args.body {
        steps.push(quote!(#request.json_body(&#body);));
    }
    let send = if result.is_unit() {
        quote!(send_empty)
    } else {
        quote!(send)
    };

    // The signature names c1's result (the type the body has), so a
    // declared `std::io::Result<T>` alias fails only the spanned check.
    let ret = &result.ty;
    let ok = &result.ok;
    let returns = quote_spanned!(ret.span()=> #krate::__private::returns::<#ret>(););
    quote! {
        #(#attrs)*
        #separator
        #[doc = #doc]
        fn #ident #generics (#inputs)
            -> impl ::core::future::Future<Output = #krate::Result<#ok>>
                + ::core::marker::Send
                + use<#lifetime, Self #(, #captured_types)*>
            #where_clause
        {
            #returns
            let mut #request = #krate::__private::Request::new(#client, {
                // In a block of its own: no parameter can be shadowed by it.
                static __C1_ENDPOINT: #krate::__private::Endpoint =
                    #krate::__private::Endpoint::new(#krate::__private::Method::#variant, #display)
                        #idempotent;
                &__C1_ENDPOINT
            });
            #(#steps)*
            #request.#send()
        }
    }
}

/// The path of the c1 crate: `crate = ...` or `::c1`.
pub fn crate_path(endpoint: &Endpoint) -> TokenStream {
    match &endpoint.args.krate {
        Some(path) => quote!(#path),
        None => quote!(::c1),
    }
}
