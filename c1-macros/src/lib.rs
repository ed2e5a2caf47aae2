//! The `#[c1_endpoint]` attribute of c1. Use it through the `c1` crate.
//!
//! The pipeline follows thiserror's derive: `attr` parses the arguments,
//! `ast` reads the method, `valid` checks both together (collecting every
//! mistake in a `ctxt::Ctxt`), then `expand` writes the method, or
//! `fallback` writes a stand-in next to the errors. `template` is the
//! path template parser, free of syn so it can be fuzzed on its own.

#![forbid(unsafe_code)]

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

#[cfg(test)]
mod tests {
    use quote::quote;

    /// The expansion of the contract's example, as text.
    #[test]
    fn expands_to_the_runtime_contract() {
        let out = super::c1_endpoint_impl(
            quote!(GET "/api/v1/widgets/<widget_id>/parts/<part_id>?<page_size>"),
            quote! {
                /// Fetch one part.
                async fn get_part(&self, widget_id: &str, part_id: &str, page_size: Option<u32>) -> Result<Part>;
            },
        )
        .to_string();
        for expected in [
            "# [doc = r\" Fetch one part.\"] # [doc = \"\"] # [doc = \" Sends `GET /api/v1/widgets/{widget_id}/parts/{part_id}?page_size`.\"]",
            "fn get_part < 'c1 > (& 'c1 self , widget_id : & str , part_id : & str , page_size : Option < u32 >)",
            "-> impl :: core :: future :: Future < Output = :: c1 :: Result < Part >> + :: core :: marker :: Send + use < 'c1 , Self >",
            ":: c1 :: __private :: returns :: < Result < Part > > () ;",
            ":: c1 :: __private :: Endpoint :: new (:: c1 :: __private :: Method :: Get , \"/api/v1/widgets/{widget_id}/parts/{part_id}\") ; & __C1_ENDPOINT }) ;",
            ":: c1 :: __private :: Request :: new (:: c1 :: __private :: client (self) , { static __C1_ENDPOINT",
            "__c1_request . path_literal (\"/api/v1/widgets/\") ; __c1_request . path_param (\"widget_id\" , & widget_id) ; \
             __c1_request . path_literal (\"/parts/\") ; __c1_request . path_param (\"part_id\" , & part_id) ; \
             __c1_request . query_param (\"page_size\" , & page_size) ; __c1_request . send ()",
        ] {
            assert!(out.contains(expected), "missing {expected}\nin {out}");
        }
    }
}
