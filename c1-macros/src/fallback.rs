//! What an invalid declaration expands to, next to its errors: the user's
//! method with a body that never runs, so callers still type-check and the
//! user sees only the errors about the declaration, not a cascade.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{FnArg, ReceiverKind, ReturnType};

use syn::TraitItemFn;

use crate::ast;

/// A stand-in for the method `item`.
pub fn stub(item: &TraitItemFn) -> TokenStream {
    let mut sig = item.sig.clone();
    sig.asyncness = None;
    for arg in &mut sig.inputs {
        // A by-value `self` would need `Self: Sized` in a default body.
        if let FnArg::Receiver(r) = arg
            && matches!(r.kind, ReceiverKind::Value)
        {
            r.kind = ReceiverKind::Reference(Default::default(), None, None);
            r.mutability = None;
        }
    }
    let ret = match &sig.output {
        ReturnType::Type(_, ty) if !mentions_impl(ty) => quote!(#ty),
        _ => quote!(()),
    };
    let ident = &sig.ident;
    let generics = &sig.generics;
    let where_clause = &sig.generics.where_clause;
    let inputs = &sig.inputs;
    // Any other `#[c1_endpoint]`, by the rule validation reports it by:
    // left in, it would expand again.
    let attrs = item.attrs.iter().filter(|a| !ast::is_endpoint_attr(a));
    quote! {
        #(#attrs)*
        #[allow(unused_variables, clippy::unused_async)]
        fn #ident #generics (#inputs)
            -> impl ::core::future::Future<Output = #ret> + ::core::marker::Send
            #where_clause
        {
            async { ::core::unreachable!() }
        }
    }
}

fn mentions_impl(ty: &syn::Type) -> bool {
    let tokens: ast::Tokens = quote!(#ty).into_iter().collect();
    crate::valid::mentions_impl(&tokens)
}
