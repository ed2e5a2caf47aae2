//! Checks a declaration: the signature, and the template against the
//! parameters in both directions (every placeholder names a parameter, every
//! parameter is a placeholder or the body).

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{FnArg, Safety, Type};

use crate::ast::{Endpoint, Output, Receiver, ResultType};
use crate::attr::Method;
use crate::ctxt::Ctxt;

/// Records every mistake of `endpoint` in `cx`.
pub fn check(cx: &Ctxt, endpoint: &Endpoint) {
    signature(cx, endpoint);
    idempotent(cx, endpoint);
    params(cx, endpoint);
    template_and_body(cx, endpoint);
}

fn signature(cx: &Ctxt, endpoint: &Endpoint) {
    let item = &endpoint.item;
    let sig = &item.sig;
    if let Some(attr) = item.attrs.iter().find(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "c1_endpoint")
    }) {
        cx.error_spanned(attr, "a method has one `#[c1_endpoint]`");
    }
    if sig.asyncness.is_none() {
        cx.error_spanned(
            sig.fn_token,
            "an endpoint is declared `async fn`: write `async fn` here",
        );
    }
    if let Some(constness) = &sig.constness {
        cx.error_spanned(constness, "an endpoint cannot be `const`");
    }
    if let Safety::Unsafe(token) = &sig.safety {
        cx.error_spanned(token, "an endpoint cannot be `unsafe`");
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned(abi, "an endpoint cannot have an `extern` ABI");
    }
    match &endpoint.receiver {
        Receiver::Shared { .. } => {}
        Receiver::Other => {
            let receiver = sig.inputs.first();
            cx.error_spanned(
                receiver,
                format!(
                    "an endpoint takes `&self`, not `{}`: requests are sent through a shared client",
                    tokens_text(receiver)
                ),
            );
        }
        Receiver::Missing => cx.error_spanned(
            &sig.ident,
            format!(
                "`{}` has no `&self`: an endpoint is a method, write `(&self, ...)`",
                sig.ident
            ),
        ),
    }
    if let Some(block) = &item.default {
        cx.error_spanned(
            block,
            "remove this body: #[c1_endpoint] writes the method, declare it ending in `;`",
        );
    }
    match &endpoint.output {
        Output::Result(result) => result_type(cx, endpoint, result),
        Output::Other(ty) => cx.error_spanned(
            ty,
            format!(
                "an endpoint returns `Result<T>` (`c1::Result`), where `T` is the decoded \
                 answer or `()`; found `{}`",
                tokens_text(ty)
            ),
        ),
        Output::Missing => cx.error_spanned(
            &sig.ident,
            "an endpoint returns `Result<T>` (`c1::Result`): add `-> Result<T>`, \
             or `-> Result<()>` when the answer has no content",
        ),
    }
}

/// `idempotent` only where the method is not already idempotent: the runtime
/// retries GET, PUT and DELETE as such, so the flag there would mislead a
/// reader into thinking it changes something.
fn idempotent(cx: &Ctxt, endpoint: &Endpoint) {
    if let (Some(span), Some(method)) = (endpoint.args.idempotent, endpoint.args.method)
        && method.is_idempotent()
    {
        cx.error(
            span,
            format!(
                "{} requests are already retried as idempotent; remove `idempotent` \
                 (it is for a POST or PATCH that is safe to send twice)",
                method.as_str()
            ),
        );
    }
}

/// A `Result` is c1's when its path says so: `Result<T>`, `c1::Result<T>`,
/// `Result<T, c1::Error>` (bare names and local aliases are checked by type in
/// the expansion). `std::io::Result<T>` and the like are refused here.
fn result_type(cx: &Ctxt, endpoint: &Endpoint, result: &ResultType) {
    let krate = crate_name(endpoint);
    let fix = format!(
        "write `{krate}::Result<{}>` (the same as `Result<T, {krate}::Error>`)",
        tokens_text(&result.ok)
    );
    let c1_path = |p: &[String]| {
        p.is_empty() || p.join("::") == krate || matches!(p[0].as_str(), "crate" | "self" | "super")
    };
    let std_result = |p: &[String]| {
        p.is_empty() || p.len() == 2 && matches!(p[0].as_str(), "std" | "core") && p[1] == "result"
    };
    let path_ok = match &result.error {
        None => c1_path(&result.prefix),
        Some(_) => std_result(&result.prefix),
    };
    if !path_ok {
        let ty = tokens_text(&result.ty);
        let message =
            format!("`{ty}` is not c1's result: an endpoint returns `{krate}::Result<T>`; {fix}");
        cx.error_spanned(&result.ty, message);
    } else if let Some(error) = &result.error
        && !path_names(error, "Error").is_some_and(|p| c1_path(&p))
    {
        let message = format!(
            "an endpoint fails with `{krate}::Error`, not `{}`; {fix}",
            tokens_text(error)
        );
        cx.error_spanned(error, message);
    }
}

/// The prefix of `ty` when it is a path ending in `last` without arguments.
fn path_names(ty: &Type, last: &str) -> Option<Vec<String>> {
    let Type::Path(path) = ty else { return None };
    let segments: Vec<_> = path.path.segments.iter().collect();
    let (end, prefix) = segments.split_last()?;
    (path.qself.is_none() && end.ident == last && end.arguments.is_none())
        .then(|| prefix.iter().map(|s| s.ident.to_string()).collect())
}

/// The c1 crate's path as text: `crate = ...` without a leading `::`, or `c1`.
fn crate_name(endpoint: &Endpoint) -> String {
    endpoint.args.krate.as_ref().map_or_else(
        || "c1".to_owned(),
        |path| {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            segments.join("::")
        },
    )
}

fn params(cx: &Ctxt, endpoint: &Endpoint) {
    for arg in &endpoint.item.sig.inputs {
        let FnArg::Typed(arg) = arg else { continue };
        if !matches!(&*arg.pat, syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none()) {
            cx.error_spanned(
                &arg.pat,
                "an endpoint parameter is a plain name, e.g. `app_id: &str`",
            );
        }
        if mentions_impl(arg.ty.to_token_stream()) {
            cx.error_spanned(
                &arg.ty,
                "an endpoint parameter cannot use `impl Trait`: declare a type parameter \
                 `<T: Trait>` and write `T`",
            );
        }
    }
}

fn template_and_body(cx: &Ctxt, endpoint: &Endpoint) {
    let Some((lit, template)) = &endpoint.args.template else {
        // Without a template there is nothing to compare the parameters
        // with; its mistake is already reported.
        return;
    };
    let body = endpoint.args.body.as_ref();
    let is_get = endpoint.args.method == Some(Method::Get);
    if let Some((kw, ident)) = body
        && is_get
    {
        cx.error(
            *kw,
            format!(
                "a GET request has no body; send `{ident}` with POST, PUT or PATCH, \
                 or as query parameters"
            ),
        );
    }

    // Placeholders without a parameter; remember which parameter each one
    // probably meant, to word that parameter's error.
    let mut suggested: Vec<(&str, &str)> = Vec::new();
    let unmatched: Vec<&str> = endpoint
        .params
        .iter()
        .filter(|p| p.ident.is_some())
        .map(|p| p.name.as_str())
        .filter(|name| !template.placeholders().any(|ph| ph.name == *name))
        .filter(|name| body.is_none_or(|(_, b)| b != name))
        .collect();
    // A parameter that is not a plain name is already reported; it may be
    // the one a placeholder names.
    let all_named = endpoint.params.iter().all(|p| p.ident.is_some());
    for placeholder in template.placeholders() {
        if endpoint.param(&placeholder.name).is_some() || !all_named {
            continue;
        }
        let mut message = format!(
            "placeholder `<{}>` has no parameter named `{}`",
            placeholder.name, placeholder.name
        );
        if let Some(close) = closest(&placeholder.name, &unmatched) {
            message.push_str(&format!("; did you mean `{close}`?"));
            suggested.push((close, &placeholder.name));
        } else {
            message.push_str(&format!("; add `{}: ...` to the method", placeholder.name));
        }
        cx.error(lit.span(), message);
    }

    // The body.
    if let Some((_, ident)) = body {
        let name = ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        if endpoint.param(name).is_none() {
            let mut message = format!("`body = {ident}` names no parameter of this method");
            if let Some(close) = closest(name, &unmatched) {
                message.push_str(&format!("; did you mean `{close}`?"));
                suggested.push((close, ""));
            }
            cx.error(ident.span(), message);
        } else if template.placeholders().any(|p| p.name == name) {
            cx.error(
                ident.span(),
                format!("`{name}` is both a placeholder of the template and the body; it can be only one"),
            );
        }
    }

    // Parameters the template never uses.
    for param in &endpoint.params {
        let Some(ident) = &param.ident else { continue };
        if !unmatched.contains(&param.name.as_str())
            || endpoint.args.extra_bodies.iter().any(|b| b == ident)
        {
            continue;
        }
        let message = match suggested.iter().find(|(p, _)| *p == param.name) {
            Some((_, "")) => format!("parameter `{ident}` is not used; was it meant as the body?",),
            Some((_, placeholder)) => format!(
                "parameter `{ident}` is not used by the template; is it the placeholder `<{placeholder}>`?"
            ),
            None => {
                let mut m = format!(
                    "parameter `{ident}` is not used by the template {}: add `<{}>` to the path \
                     or `?<{}>` to the query",
                    lit.to_token_stream(),
                    param.name,
                    param.name
                );
                if body.is_none() && !is_get {
                    m.push_str(&format!(
                        ", or send it as the JSON body with `body = {ident}`"
                    ));
                }
                m
            }
        };
        cx.error(ident.span(), message);
    }
}

/// The candidate closest to `name`, if it is close enough to be a typo.
fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (levenshtein(name, c), *c))
        .filter(|(d, c)| d * 2 <= name.chars().count().max(c.chars().count()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The edit distance between `a` and `b`, in chars.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Whether `tokens` contain `impl`.
pub fn mentions_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == "impl",
        TokenTree::Group(g) => mentions_impl(g.stream()),
        _ => false,
    })
}

/// Tokens as source-like text, for messages.
fn tokens_text(tokens: impl ToTokens) -> String {
    let text = tokens.to_token_stream().to_string();
    text.replace("& ", "&")
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" : ", ": ")
        .replace(" :: ", "::")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("widget_id", "widgt_id"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("é", "e"), 1);
    }

    #[test]
    fn closest_needs_a_near_name() {
        assert_eq!(
            closest("widgt_id", &["part_id", "widget_id"]),
            Some("widget_id")
        );
        assert_eq!(closest("id", &["widget_id"]), None);
        assert_eq!(closest("x", &["y"]), None);
    }
}
