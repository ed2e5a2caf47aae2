//! The `#[c1_endpoint]` attribute of c1. Use it through the `c1` crate.

use proc_macro::TokenStream;

/// Declares a ConductorOne endpoint on a trait method. See the `c1` crate.
#[proc_macro_attribute]
pub fn c1_endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    let _ = args;
    input
}
