//! Checks a declaration: the signature, and the template against the
//! parameters in both directions (every placeholder names a parameter, every
//! parameter is a placeholder or the body). What passes comes out as a
//! [`Plan`], every placeholder bound to its argument.

use proc_macro2::{Span, TokenTree};

use crate::ast::{self, Declaration, Output, Receiver, ResultType, Tokens};
use crate::attr::{Method, TemplateLit};
use crate::ctxt::Ctxt;
use crate::plan::{Bound, PathPart, Plan, Send};
use crate::template::{Segment, Template};

/// Records every mistake of `decl` in `cx`; the plan, when every part of it
/// could be resolved (there may still be mistakes in `cx`).
pub fn check<'a>(cx: &Ctxt, decl: &'a Declaration) -> Option<Plan<'a>> {
    signature(cx, decl);
    idempotent(cx, decl);
    params(cx, decl);
    let result = output(cx, decl);
    let receiver = receiver(cx, decl);
    let bindings = template_and_body(cx, decl);
    let self_span = receiver?;
    let (template, display_path) = decl
        .args
        .template
        .as_ref()
        .map(|(lit, t)| (lit, t.display_path()))?;
    let Bindings { path, query, body } = bindings?;
    let result = result?;
    Some(Plan {
        decl,
        method: decl.args.method?,
        idempotent: decl.args.idempotent.is_some(),
        template,
        display_path,
        self_span,
        path,
        query,
        body,
        result,
        send: if result.is_unit {
            Send::Empty
        } else {
            Send::Decoded
        },
    })
}

fn signature(cx: &Ctxt, decl: &Declaration) {
    let sig = &decl.sig;
    if let Some(attr) = decl.attrs.iter().find(|a| a.is_endpoint) {
        cx.error_tokens(&attr.tokens, "a method has one `#[c1_endpoint]`");
    }
    if !sig.asyncness {
        cx.error(
            sig.fn_token,
            "an endpoint is declared `async fn`: write `async fn` here",
        );
    }
    if let Some(constness) = sig.constness {
        cx.error(constness, "an endpoint cannot be `const`");
    }
    if let Some(unsafety) = sig.unsafety {
        cx.error(unsafety, "an endpoint cannot be `unsafe`");
    }
    if let Some(abi) = &sig.abi {
        cx.error_tokens(abi, "an endpoint cannot have an `extern` ABI");
    }
    if let Some(body) = sig.body {
        cx.error(
            body,
            "remove this body: #[c1_endpoint] writes the method, declare it ending in `;`",
        );
    }
}

/// `self`'s span, when the receiver is `&self`.
fn receiver(cx: &Ctxt, decl: &Declaration) -> Option<Span> {
    let sig = &decl.sig;
    match &decl.receiver {
        Receiver::Shared { self_span } => return Some(*self_span),
        Receiver::Other(receiver) => {
            cx.error_tokens(
                receiver,
                format!(
                    "an endpoint takes `&self`, not `{}`: requests are sent through a shared client",
                    tokens_text(receiver)
                ),
            );
        }
        Receiver::Missing => cx.error(
            sig.ident.span(),
            format!(
                "`{}` has no `&self`: an endpoint is a method, write `(&self, ...)`",
                sig.ident
            ),
        ),
    }
    None
}

/// The return type, when it is c1's `Result<T>`.
fn output<'a>(cx: &Ctxt, decl: &'a Declaration) -> Option<&'a ResultType> {
    match &decl.output {
        Output::Result(result) => {
            return result_type(cx, decl, result).then_some(&**result);
        }
        Output::Other(ty) => cx.error_tokens(
            ty,
            format!(
                "an endpoint returns `Result<T>` (`c1::Result`), where `T` is the decoded \
                 answer or `()`; found `{}`",
                tokens_text(ty)
            ),
        ),
        Output::Missing => cx.error(
            decl.sig.ident.span(),
            "an endpoint returns `Result<T>` (`c1::Result`): add `-> Result<T>`, \
             or `-> Result<()>` when the answer has no content",
        ),
    }
    None
}

/// `idempotent` only where the method is not already idempotent: the runtime
/// retries GET, PUT and DELETE as such, so the flag there would mislead a
/// reader into thinking it changes something.
fn idempotent(cx: &Ctxt, decl: &Declaration) {
    if let (Some(span), Some(method)) = (decl.args.idempotent, decl.args.method)
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
fn result_type(cx: &Ctxt, decl: &Declaration, result: &ResultType) -> bool {
    let krate = crate_name(decl);
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
        cx.error_tokens(&result.ty, message);
        return false;
    }
    if let Some(error) = &result.error
        && !error.prefix.as_deref().is_some_and(c1_path)
    {
        let message = format!(
            "an endpoint fails with `{krate}::Error`, not `{}`; {fix}",
            tokens_text(&error.ty)
        );
        cx.error_tokens(&error.ty, message);
        return false;
    }
    true
}

/// The c1 crate's path as text: `crate = ...` without a leading `::`, or `c1`.
fn crate_name(decl: &Declaration) -> String {
    decl.args
        .krate
        .as_ref()
        .map_or_else(|| "c1".to_owned(), |krate| krate.names.join("::"))
}

fn params(cx: &Ctxt, decl: &Declaration) {
    for param in &decl.params {
        if param.ident.is_none() {
            cx.error_tokens(
                &param.pat,
                "an endpoint parameter is a plain name, e.g. `app_id: &str`",
            );
        }
        if mentions_impl(&param.ty) {
            cx.error_tokens(
                &param.ty,
                "an endpoint parameter cannot use `impl Trait`: declare a type parameter \
                 `<T: Trait>` and write `T`",
            );
        }
    }
}

/// The parameters bound to the template and the body.
struct Bindings<'a> {
    path: Vec<PathPart<'a>>,
    query: Vec<Bound<'a>>,
    body: Option<Bound<'a>>,
}

/// Which parameter a mistaken name probably meant: `(parameter, placeholder)`,
/// the placeholder empty when the body's name was mistaken.
type Suggestions<'a> = Vec<(&'a str, &'a str)>;

fn template_and_body<'a>(cx: &Ctxt, decl: &'a Declaration) -> Option<Bindings<'a>> {
    // Without a template there is nothing to compare the parameters with;
    // its mistake is already reported.
    let (lit, template) = decl.args.template.as_ref()?;
    get_body(cx, decl);
    // Parameters that are neither a placeholder nor the body.
    let unmatched: Vec<&str> = decl
        .params
        .iter()
        .filter(|p| p.ident.is_some())
        .map(|p| p.name.as_str())
        .filter(|name| !template.placeholders().any(|ph| ph.name == *name))
        .filter(|name| body_name(decl).is_none_or(|b| b != *name))
        .collect();
    let mut suggested = Suggestions::new();
    let bound = placeholders(cx, decl, lit, template, &unmatched, &mut suggested);
    let body = body(cx, decl, template, &unmatched, &mut suggested);
    unused(cx, decl, lit, &unmatched, &suggested);
    // Bound path first, then query: split where the query starts.
    let mut path = bound?;
    let query = path.split_off(path.len() - template.query.len());
    Some(Bindings {
        path: path_parts(template, path),
        query,
        body: body?,
    })
}

/// The body's name as the template would spell it.
fn body_name(decl: &Declaration) -> Option<String> {
    decl.args.body.as_ref().map(|(_, ident)| ast::unraw(ident))
}

fn get_body(cx: &Ctxt, decl: &Declaration) {
    if let Some((kw, ident)) = &decl.args.body
        && decl.args.method == Some(Method::Get)
    {
        cx.error(
            *kw,
            format!(
                "a GET request has no body; send `{ident}` with POST, PUT or PATCH, \
                 or as query parameters"
            ),
        );
    }
}

/// Binds every placeholder (path first, then query) to its parameter;
/// reports those without one.
fn placeholders<'a>(
    cx: &Ctxt,
    decl: &'a Declaration,
    lit: &TemplateLit,
    template: &'a Template,
    unmatched: &[&'a str],
    suggested: &mut Suggestions<'a>,
) -> Option<Vec<Bound<'a>>> {
    // A parameter that is not a plain name is already reported; it may be
    // the one a placeholder names.
    let all_named = decl.params.iter().all(|p| p.ident.is_some());
    let mut bound = Vec::new();
    let mut complete = true;
    for placeholder in template.placeholders() {
        let name = placeholder.name.as_str();
        if let Some(b) = Bound::find(decl, name) {
            bound.push(b);
            continue;
        }
        complete = false;
        if !all_named {
            continue;
        }
        let mut message = format!("placeholder `<{name}>` has no parameter named `{name}`");
        if let Some(close) = closest(name, unmatched) {
            message.push_str(&format!("; did you mean `{close}`?"));
            suggested.push((close, name));
        } else {
            message.push_str(&format!("; add `{name}: ...` to the method"));
        }
        cx.error(lit.span(), message);
    }
    complete.then_some(bound)
}

/// The body's parameter (`Some(None)` without `body =`); `None` after
/// reporting a mistake.
fn body<'a>(
    cx: &Ctxt,
    decl: &'a Declaration,
    template: &Template,
    unmatched: &[&'a str],
    suggested: &mut Suggestions<'a>,
) -> Option<Option<Bound<'a>>> {
    let Some((_, ident)) = &decl.args.body else {
        return Some(None);
    };
    let name = ast::unraw(ident);
    let Some(bound) = Bound::find(decl, &name) else {
        let mut message = format!("`body = {ident}` names no parameter of this method");
        if let Some(close) = closest(&name, unmatched) {
            message.push_str(&format!("; did you mean `{close}`?"));
            suggested.push((close, ""));
        }
        cx.error(ident.span(), message);
        return None;
    };
    if template.placeholders().any(|p| p.name == name) {
        cx.error(
            ident.span(),
            format!(
                "`{name}` is both a placeholder of the template and the body; it can be only one"
            ),
        );
        return None;
    }
    Some(Some(bound))
}

/// Reports the parameters the template and the body never use.
fn unused(
    cx: &Ctxt,
    decl: &Declaration,
    lit: &TemplateLit,
    unmatched: &[&str],
    suggested: &Suggestions,
) {
    let body = decl.args.body.as_ref();
    for param in &decl.params {
        let Some(ident) = &param.ident else { continue };
        if !unmatched.contains(&param.name.as_str())
            || decl.args.extra_bodies.iter().any(|b| b == ident)
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
                    lit.token, param.name, param.name
                );
                if body.is_none() && decl.args.method != Some(Method::Get) {
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

/// The path as literal runs and segments, `bound` being the path's
/// placeholders bound in order.
fn path_parts<'a>(template: &Template, bound: Vec<Bound<'a>>) -> Vec<PathPart<'a>> {
    let mut parts = Vec::new();
    let mut bound = bound.into_iter();
    let mut literal = String::new();
    for segment in &template.segments {
        literal.push('/');
        match segment {
            Segment::Literal(text) => literal.push_str(text),
            Segment::Param(_) => {
                parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                parts.extend(bound.next().map(PathPart::Param));
            }
        }
    }
    if !literal.is_empty() {
        parts.push(PathPart::Literal(literal));
    }
    parts
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
pub fn mentions_impl(tokens: &[TokenTree]) -> bool {
    tokens.iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == "impl",
        TokenTree::Group(g) => mentions_impl(&g.stream().into_iter().collect::<Tokens>()),
        _ => false,
    })
}

/// Tokens as source-like text, for messages.
fn tokens_text(tokens: &[TokenTree]) -> String {
    let text = ast::stream(tokens).to_string();
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
