//! The `#[c1_endpoint]` attribute of c1. Use it through the `c1` crate,
//! whose documentation of `c1::c1_endpoint` is the DSL's reference.
//!
//! The pipeline follows thiserror's derive: `attr` parses the arguments,
//! `ast` reads the method into a `Declaration`, `valid` checks both together
//! (collecting every mistake in a `ctxt::Ctxt`) and resolves them into a
//! `plan::Plan`, then `expand` writes the method from the plan, or `fallback`
//! writes a stand-in next to the errors. `template` is the path template
//! parser, free of syn so it can be fuzzed on its own.
//!
//! Proc macros are built unoptimized by default, and a crate expands this
//! one once per endpoint on every rebuild, so reading is done twice over:
//! `scan` reads the plain declarations (every generated service) straight
//! from the tokens into the same `Declaration`, and gives up on anything
//! else, which syn then reads. A declaration `scan` gives up on, or one with
//! a mistake, goes through syn, so every diagnostic comes from one path.

#![forbid(unsafe_code)]

mod ast;
mod attr;
mod ctxt;
mod expand;
mod fallback;
mod plan;
mod scan;
mod template;
mod valid;

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;

/// (The attribute is defined in the `c1-macros` crate; use it as
/// `c1::c1_endpoint`.)
#[proc_macro_attribute]
pub fn c1_endpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    c1_endpoint_impl(args.into(), input.into()).into()
}

fn c1_endpoint_impl(
    args: proc_macro2::TokenStream,
    input: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    plain(args.clone(), input.clone()).unwrap_or_else(|| by_syn(args, input))
}

/// The expansion of a plain, valid declaration read by `scan`; `None` when
/// `scan` gives up or validation finds a mistake (`by_syn` reports it).
fn plain(
    args: proc_macro2::TokenStream,
    input: proc_macro2::TokenStream,
) -> Option<proc_macro2::TokenStream> {
    let decl = scan::declaration(scan::args(args)?, input)?;
    let cx = ctxt::Ctxt::default();
    let plan = valid::check(&cx, &decl);
    match (cx.check(), plan) {
        (Ok(()), Some(plan)) => Some(expand::method(&plan)),
        _ => None,
    }
}

/// The expansion of any declaration, read by syn: the method, or a stand-in
/// and every mistake found.
fn by_syn(
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
    let decl = ast::Declaration::from_syn(args, &item);
    let plan = valid::check(&cx, &decl);
    let errors = match (cx.check(), plan) {
        (Ok(()), Some(plan)) => return expand::method(&plan),
        (Err(errors), _) => errors,
        // Every part missing from a plan is a recorded mistake; this keeps
        // the macro from panicking if that ever stopped being true.
        (Ok(()), None) => syn::Error::new(
            Span::call_site(),
            "#[c1_endpoint] could not read this declaration",
        ),
    };
    let stub = fallback::stub(&item);
    let errors = errors.into_compile_error();
    quote!(#stub #errors)
}

#[cfg(test)]
mod tests {
    use proc_macro2::{Delimiter, TokenStream, TokenTree};
    use quote::quote;

    /// A token tree without spans. Punctuation spacing is left out: syn and
    /// `quote!` space `>>` differently, and no spacing difference can
    /// change the meaning of the tokens compared here.
    #[derive(Debug, PartialEq)]
    enum Tree {
        Group(Delimiter, Vec<Tree>),
        Ident(String),
        Punct(char),
        Literal(String),
    }

    fn trees(tokens: TokenStream) -> Vec<Tree> {
        tokens
            .into_iter()
            .map(|tt| match tt {
                TokenTree::Group(g) => Tree::Group(g.delimiter(), trees(g.stream())),
                TokenTree::Ident(i) => Tree::Ident(i.to_string()),
                TokenTree::Punct(p) => Tree::Punct(p.as_char()),
                TokenTree::Literal(l) => Tree::Literal(l.to_string()),
            })
            .collect()
    }

    fn assert_expands(args: TokenStream, input: TokenStream, expected: TokenStream) {
        let actual = super::c1_endpoint_impl(args, input);
        assert_eq!(
            trees(actual.clone()),
            trees(expected.clone()),
            "\nactual:   {actual}\nexpected: {expected}"
        );
    }

    /// The contract's example: path and query filled in order, the template
    /// as declared in the doc line, the future borrowing nothing.
    #[test]
    fn expands_to_the_runtime_contract() {
        assert_expands(
            quote!(GET "/api/v1/widgets/<widget_id>/parts/<part_id>?<page_size>"),
            quote! {
                /// Fetch one part.
                async fn get_part(&self, widget_id: &str, part_id: &str, page_size: Option<u32>) -> Result<Part>;
            },
            quote! {
                /// Fetch one part.
                #[doc = ""]
                #[doc = " Sends `GET /api/v1/widgets/<widget_id>/parts/<part_id>?<page_size>`."]
                fn get_part(&self, widget_id: &str, part_id: &str, page_size: Option<u32>)
                    -> ::c1::Call<'static, Part>
                {
                    ::c1::__private::returns::<Result<Part>>();
                    ::c1::__private::decodes::<Part>();
                    let mut __c1_request = ::c1::__private::Request::new(::c1::__private::client(self), {
                        static __C1_ENDPOINT: ::c1::__private::Endpoint = ::c1::__private::Endpoint::new(
                            ::c1::__private::Method::Get,
                            "/api/v1/widgets/<widget_id>/parts/<part_id>"
                        );
                        &__C1_ENDPOINT
                    });
                    __c1_request.path_literal("/api/v1/widgets/");
                    __c1_request.path_param("widget_id", &widget_id);
                    __c1_request.path_literal("/parts/");
                    __c1_request.path_param("part_id", &part_id);
                    __c1_request.query_param("page_size", &page_size);
                    __c1_request.send()
                }
            },
        );
    }

    /// A body, `idempotent`, a renamed crate, a named receiver lifetime, a
    /// type parameter, `r#` names and `Result<()>`.
    #[test]
    fn expands_every_argument() {
        assert_expands(
            quote!(POST "/api/v1/widgets/<r#type>/search", body = r#in, idempotent, crate = my_c1),
            quote! {
                async fn search<'a, B: Serialize>(&'a self, r#type: u64, r#in: &B) -> my_c1::Result<()>;
            },
            quote! {
                #[doc = " Sends `POST /api/v1/widgets/<r#type>/search`."]
                fn search<'a, B: Serialize>(&'a self, r#type: u64, r#in: &B)
                    -> my_c1::Call<'static, ()>
                {
                    my_c1::__private::returns::<my_c1::Result<()>>();
                    let mut __c1_request = my_c1::__private::Request::new(my_c1::__private::client(self), {
                        static __C1_ENDPOINT: my_c1::__private::Endpoint = my_c1::__private::Endpoint::new(
                            my_c1::__private::Method::Post,
                            "/api/v1/widgets/<type>/search"
                        ).idempotent();
                        &__C1_ENDPOINT
                    });
                    __c1_request.path_literal("/api/v1/widgets/");
                    __c1_request.path_param("type", &r#type);
                    __c1_request.path_literal("/search");
                    __c1_request.json_body(&r#in);
                    __c1_request.send_empty()
                }
            },
        );
    }

    /// An invalid declaration becomes a stub and the errors; a second
    /// `#[c1::c1_endpoint]` is reported and left out of the stub.
    #[test]
    fn a_second_attribute_does_not_survive_into_the_stub() {
        let out = super::c1_endpoint_impl(
            quote!(GET "/api/v1/widgets"),
            quote! {
                #[c1::c1_endpoint(GET "/api/v1/other")]
                async fn list(&self) -> Result<()>;
            },
        );
        let text = out.to_string();
        assert!(text.contains("a method has one `#[c1_endpoint]`"), "{text}");
        let (stub, _errors) = text.split_once("compile_error").unwrap();
        assert!(!stub.contains("c1_endpoint"), "{stub}");
        assert!(stub.contains("fn list"), "{stub}");
    }
}
