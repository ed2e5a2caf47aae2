//! `scan` must be a shortcut only: whatever it reads expands exactly as
//! syn's reading does (the same tokens with the same spans), and what it
//! gives up on is left to syn.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Item, Stmt, TraitItem};

use crate::ast::is_endpoint_attr;

/// Every token with its span's start and end, groups as open and close
/// markers. A punctuation's spacing counts: rustc glues a joint `>` to the
/// next `>` the expansion writes.
fn flat(tokens: TokenStream, out: &mut Vec<String>) {
    for tt in tokens {
        let span = tt.span();
        let at = format!("@{:?}-{:?}", span.start(), span.end());
        match tt {
            TokenTree::Group(g) => {
                out.push(format!("{:?}{at}", g.delimiter()));
                flat(g.stream(), out);
                out.push("end".to_owned());
            }
            TokenTree::Ident(i) => out.push(format!("{i}{at}")),
            TokenTree::Punct(p) => out.push(format!("{}{:?}{at}", p.as_char(), p.spacing())),
            TokenTree::Literal(l) => out.push(format!("{l}{at}")),
        }
    }
}

fn flattened(tokens: TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    flat(tokens, &mut out);
    out
}

/// Whether `scan` read the declaration; panics if its expansion differs
/// from syn's.
fn check(args: TokenStream, input: TokenStream) -> bool {
    let Some(plain) = super::super::plain(args.clone(), input.clone()) else {
        return false;
    };
    let by_syn = super::super::by_syn(args, input.clone());
    assert_eq!(
        flattened(plain.clone()),
        flattened(by_syn.clone()),
        "\ninput: {input}\nscan: {plain}\nsyn:  {by_syn}"
    );
    true
}

fn check_str(args: &str, input: &str) -> bool {
    check(
        TokenStream::from_str(args).unwrap(),
        TokenStream::from_str(input).unwrap(),
    )
}

/// Every `#[c1_endpoint]` method of the items, recursively.
fn endpoints(items: &[Item], out: &mut Vec<(TokenStream, TokenStream)>) {
    for item in items {
        match item {
            Item::Trait(t) => {
                for ti in &t.items {
                    let TraitItem::Fn(f) = ti else { continue };
                    let Some(at) = f.attrs.iter().position(is_endpoint_attr) else {
                        continue;
                    };
                    let mut f = f.clone();
                    let attr = f.attrs.remove(at);
                    let args = match attr.meta.require_list() {
                        Ok(list) => list.tokens.clone(),
                        Err(_) => TokenStream::new(),
                    };
                    out.push((args, f.to_token_stream()));
                }
            }
            Item::Mod(m) => endpoints(m.content.as_ref().map_or(&[][..], |c| &c.1), out),
            Item::Fn(f) => {
                let items: Vec<Item> = f
                    .block
                    .stmts
                    .iter()
                    .filter_map(|s| match s {
                        Stmt::Item(i) => Some(i.clone()),
                        _ => None,
                    })
                    .collect();
                endpoints(&items, out);
            }
            _ => {}
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The workspace's own declarations: every generated service, the DSL and
/// UI tests (the failing ones included) and the examples.
#[test]
fn scan_expands_the_workspace_as_syn_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["src", "tests", "ui-tests/tests", "examples"] {
        rust_files(&root.join(dir), &mut files);
    }
    let (mut read, mut total, mut generated) = (0, 0, 0);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        if !text.contains("c1_endpoint") {
            continue;
        }
        let Ok(parsed) = syn::parse_file(&text) else {
            continue;
        };
        let mut found = Vec::new();
        endpoints(&parsed.items, &mut found);
        for (args, input) in found {
            total += 1;
            if check(args, input) {
                read += 1;
                generated += usize::from(file.components().any(|c| c.as_os_str() == "generated"));
            }
        }
    }
    // Every generated operation is plain; a few hand-written ones are not.
    assert_eq!(generated, 638, "{read} of {total} read by scan");
    assert!(total > read && read > 660, "{read} of {total} read by scan");
}

/// Shapes `scan` reads.
#[test]
fn scan_reads_plain_shapes() {
    let read = [
        (
            r#"GET "/a/<id>""#,
            "async fn get(&self, id: &str) -> Result<X>;",
        ),
        (
            r#"GET "/a""#,
            "/// Doc.\n#[deprecated(note = \"x\")] #[doc = \"y\"] #[allow(dead_code)] async fn get(&self) -> c1::Result<()>;",
        ),
        (
            r#"POST "/a/<r#type>", body = r#in, idempotent, crate = ::my::c1,"#,
            "async fn f<>(&self) -> Result<()>;",
        ),
        (
            r#"POST "/a/<r#type>", body = r#in, idempotent, crate = ::my::c1,"#,
            "async fn f(&'a self, r#type: u64, r#in: &'a mut crate::m::B,) -> ::core::result::Result<Vec<Option<&'static str>>, my::c1::Error>;",
        ),
        (
            r#"PUT "/a?<q>""#,
            "async fn f(&self, q: Option<super::Q<'_, T>>) -> Result<Self::T>;",
        ),
        (
            r#"DELETE "/a""#,
            "#[c1::other] async fn f(&self) -> Result<&()>;",
        ),
    ];
    for (args, input) in read {
        let expect_read = !input.contains("f<>");
        assert_eq!(check_str(args, input), expect_read, "{args} {input}");
    }
}

/// Declarations `scan` leaves to syn: unusual ones (read by syn alike) and
/// mistakes (reported by syn's path only).
const LEFT: &[(&str, &str)] = &[
    (r#"GET "/a\x2f""#, "async fn f(&self) -> Result<()>;"),
    (r#"GET r"/a""#, "async fn f(&self) -> Result<()>;"),
    (
        r#"GET "/a", idempotent, idempotent"#,
        "async fn f(&self) -> Result<()>;",
    ),
    (
        r#"GET "/a", body = x, body = x"#,
        "async fn f(&self, x: u8) -> Result<()>;",
    ),
    (
        r#"GET "/a", crate = c1, crate = c1"#,
        "async fn f(&self) -> Result<()>;",
    ),
    (
        r#"GET "/a", idempotent = true"#,
        "async fn f(&self) -> Result<()>;",
    ),
    (
        r#"GET "/a", body = self"#,
        "async fn f(&self) -> Result<()>;",
    ),
    (r#"get "/a""#, "async fn f(&self) -> Result<()>;"),
    (r#"GET "a/./b""#, "async fn f(&self) -> Result<()>;"),
    (
        r#"GET "/a""#,
        "#[c1::c1_endpoint(GET \"/b\")] async fn f(&self) -> Result<()>;",
    ),
    (r#"GET "/a""#, "#[foo bar] async fn f(&self) -> Result<()>;"),
    (
        r#"GET "/a""#,
        "#[foo = 1 + 1] async fn f(&self) -> Result<()>;",
    ),
    (r#"GET "/a""#, "#![foo] async fn f(&self) -> Result<()>;"),
    (
        r#"GET "/a""#,
        "#[unsafe(foo)] async fn f(&self) -> Result<()>;",
    ),
    (r#"GET "/a""#, "pub async fn f(&self) -> Result<()>;"),
    (r#"GET "/a""#, "fn f(&self) -> Result<()>;"),
    (r#"GET "/a""#, "async unsafe fn f(&self) -> Result<()>;"),
    (r#"GET "/a""#, "async fn f(&self) -> Result<()> {}"),
    (r#"GET "/a""#, "async fn f<T>(&self) -> Result<()>;"),
    (
        r#"GET "/a""#,
        "async fn f(&self) -> Result<()> where Self: Sized;",
    ),
    (r#"GET "/a""#, "async fn f(&mut self) -> Result<()>;"),
    (r#"GET "/a""#, "async fn f(self) -> Result<()>;"),
    (r#"GET "/a""#, "async fn f(self: &Self) -> Result<()>;"),
    (r#"GET "/a""#, "async fn f() -> Result<()>;"),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, mut x: u8) -> Result<()>;",
    ),
    (r#"GET "/a?<x>""#, "async fn f(&self, _: u8) -> Result<()>;"),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: impl Display) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: dyn Display) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: (u8, u8)) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: [u8]) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: <T as X>::Y) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: Vec::<u8>) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: Box<dyn Fn(u8)>) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: I<Item = u8>) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: A<3>) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: A<>) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x: u8 = 1) -> Result<()>;",
    ),
    (
        r#"GET "/a?<x>""#,
        "async fn f(&self, x::y: u8) -> Result<()>;",
    ),
    (r#"GET "/a""#, "async fn f(&self) -> impl Future;"),
    (r#"GET "/a""#, "async fn f(&self) -> Result<()> + Send;"),
    (r#"GET "/a""#, "async fn f(&self) - > Result<()>;"),
    (r#"GET "/a""#, "async fn f(&self) -> Result<'a, ()>;"),
    (
        r#"GET "/a""#,
        "async fn f(&self) -> Result<(), c1::Error, X>;",
    ),
    (r#"GET "/a""#, "async fn f(&self) -> Result<()>; x"),
    (r#"GET "/a""#, "async fn f(&self) -> std::io::Result<()>;"),
    (
        r#"GET "/a""#,
        "async fn f(&self) -> Result<(), std::io::Error>;",
    ),
    (r#"GET "/a""#, "async fn f(&self) -> Option<()>;"),
    (r#"GET "/a""#, "async fn f(&self);"),
    (r#"GET "/a""#, "async fn type(&self) -> Result<()>;"),
];

#[test]
fn scan_leaves_the_rest_to_syn() {
    for (args, input) in LEFT {
        assert!(!check_str(args, input), "scan read {args} {input}");
    }
}
