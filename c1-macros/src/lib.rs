//! The `#[c1_endpoint]` attribute of c1. Use it through the `c1` crate.
//!
//! The pipeline follows thiserror's derive: [`attr`] parses the arguments,
//! [`ast`] reads the method, [`valid`] checks both together (collecting every
//! mistake in a [`ctxt::Ctxt`]), then [`expand`] writes the method, or
//! [`fallback`] writes a stand-in next to the errors. [`template`] is the
//! path template parser, free of syn so it can be fuzzed on its own.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod fallback;
mod template;
mod valid;

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;

/// Declares a ConductorOne endpoint on a trait method. See the `c1` crate.
#[proc_macro_attribute]
pub fn c1_endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    c1_endpoint_impl(args.into(), input.into()).into()
}

fn c1_endpoint_impl(
    args: proc_macro2::TokenStream,
    input: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let item: syn::TraitItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(e) => {
            let mut error = syn::Error::new(
                Span::call_site(),
                "#[c1_endpoint] goes on an `async fn` declared in a trait, without a body",
            );
            error.combine(e);
            let error = error.into_compile_error();
            return quote!(#input #error);
        }
    };
    let cx = ctxt::Ctxt::default();
    let args = attr::parse(&cx, args);
    let endpoint = ast::Endpoint::new(args, item);
    valid::check(&cx, &endpoint);
    match cx.check() {
        Ok(()) => expand::endpoint(&endpoint),
        Err(errors) => {
            let stub = fallback::stub(&endpoint);
            let errors = errors.into_compile_error();
            quote!(#stub #errors)
        }
    }
}
