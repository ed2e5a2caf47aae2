//! Reads the plain declarations straight from the tokens, without syn:
//! `#[c1_endpoint(METHOD "/template", body = x, idempotent, crate = path)]`
//! on `async fn name(&self, a: Type, ..) -> Type;`, with attributes of the
//! form `#[path]`, `#[path(..)]` or `#[path = "literal"]` and types made of
//! paths, references and `()`. Every generated service is written so.
//!
//! Why: proc macros are built unoptimized by default, and there syn's full
//! parse of a method cost several times the rest of an expansion (issue 14:
//! a crate of 1,000 endpoints spent most of its incremental rebuild
//! expanding them). Reading tokens directly is cheap at any opt-level.
//!
//! It accepts only what syn parses the same way, and gives up (`None`) on
//! anything else: generics, patterns, other receivers, `impl Trait`, a
//! template with escapes, any mistake. What it gives up on is read by syn
//! (`ast::Declaration::from_syn`, `attr::parse`), so every diagnostic comes
//! from that one path.

use std::ops::Range;

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, TokenStream, TokenTree};

use crate::ast::{
    self, Attr, Declaration, ErrorType, Output, Param, Receiver, ResultType, Signature, Tokens,
};
use crate::attr::{Args, Krate, Method, TemplateLit};
use crate::template;

#[cfg(test)]
mod tests;

/// The arguments, when they are plain: `METHOD "/template"` then
/// `body = name`, `idempotent` and `crate = path`, each at most once.
pub fn args(args: TokenStream) -> Option<Args> {
    let tokens: Tokens = args.into_iter().collect();
    let mut c = Cursor::new(&tokens);
    let method_ident = c.ident()?;
    let method = Method::from_name(&method_ident.to_string())?;
    let TokenTree::Literal(literal) = c.next()? else {
        return None;
    };
    let value = plain_string(literal)?;
    let template = template::parse(&value).ok()?;
    let mut parsed = Args {
        method: Some(method),
        method_span: Some(method_ident.span()),
        template: Some((
            TemplateLit {
                token: literal.clone(),
                value,
            },
            template,
        )),
        ..Args::default()
    };
    while !c.is_empty() {
        c.punct(',')?;
        if c.is_empty() {
            break;
        }
        let key = c.ident()?;
        match key.to_string().as_str() {
            "body" if parsed.body.is_none() => {
                c.punct('=')?;
                parsed.body = Some((key.span(), c.name()?));
            }
            "idempotent" if parsed.idempotent.is_none() => parsed.idempotent = Some(key.span()),
            "crate" if parsed.krate.is_none() => {
                c.punct('=')?;
                let start = c.pos;
                let names = c.mod_path()?;
                parsed.krate = Some(Krate {
                    tokens: respaced(&tokens[start..c.pos]),
                    names,
                });
            }
            _ => return None,
        }
    }
    Some(parsed)
}

/// The method, when it is plain: attributes, `async fn name(&self, ..)`,
/// an optional `-> Type` and `;`.
pub fn declaration(args: Args, input: TokenStream) -> Option<Declaration> {
    let tokens: Tokens = input.into_iter().collect();
    let mut c = Cursor::new(&tokens);
    let mut attrs = Vec::new();
    while c.peek_punct('#') {
        attrs.push(attr(&mut c)?);
    }
    c.word("async")?;
    let fn_token = c.word("fn")?.span();
    let ident = c.name()?;
    let inputs: Tokens = c
        .group(Delimiter::Parenthesis)?
        .stream()
        .into_iter()
        .collect();
    let output = if c.peek_punct('-') {
        c.arrow()?;
        let start = c.pos;
        let shape = ty(&mut c)?;
        output(&tokens, start..c.pos, shape)
    } else {
        Output::Missing
    };
    c.punct(';')?;
    if !c.is_empty() {
        return None;
    }
    let (receiver, params) = parameters(&inputs)?;
    let inputs = respaced(&inputs);
    Some(Declaration {
        args,
        attrs,
        sig: Signature {
            asyncness: true,
            fn_token,
            constness: None,
            unsafety: None,
            abi: None,
            body: None,
            ident,
            generics: Tokens::new(),
            where_clause: Tokens::new(),
            inputs,
        },
        receiver,
        params,
        output,
    })
}

/// `#[path]`, `#[path(..)]` or `#[path = "literal"]`; not `#[c1_endpoint]`.
fn attr(c: &mut Cursor) -> Option<Attr> {
    let start = c.pos;
    c.punct('#')?;
    let inner: Tokens = c.group(Delimiter::Bracket)?.stream().into_iter().collect();
    let mut a = Cursor::new(&inner);
    let leading = a.path_sep();
    let mut names = Vec::new();
    loop {
        names.push(a.name()?.to_string());
        if !a.path_sep() {
            break;
        }
    }
    match a.next() {
        None => {}
        Some(TokenTree::Group(g)) if g.delimiter() != Delimiter::None => {}
        Some(TokenTree::Punct(p)) if p.as_char() == '=' && p.spacing() == Spacing::Alone => {
            let TokenTree::Literal(_) = a.next()? else {
                return None;
            };
        }
        Some(_) => return None,
    }
    if !a.is_empty() || names.last()? == "c1_endpoint" {
        return None;
    }
    Some(Attr {
        tokens: c.tokens[start..c.pos].to_vec(),
        is_doc: !leading && names == ["doc"],
        is_endpoint: false,
    })
}

/// `&self` or `&'a self`, then `name: Type` parameters.
fn parameters(inputs: &[TokenTree]) -> Option<(Receiver, Vec<Param>)> {
    let mut c = Cursor::new(inputs);
    c.punct('&')?;
    if c.peek_punct('\'') {
        c.lifetime()?;
    }
    let self_token = c.ident()?;
    if self_token != "self" {
        return None;
    }
    let receiver = Receiver::Shared {
        self_span: self_token.span(),
    };
    let mut params = Vec::new();
    while !c.is_empty() {
        c.punct(',')?;
        if c.is_empty() {
            break;
        }
        let name = c.name()?;
        c.punct(':')?;
        if c.peek_punct(':') {
            return None;
        }
        let start = c.pos;
        ty(&mut c)?;
        let pat = vec![TokenTree::Ident(name.clone())];
        params.push(Param::new(pat, respaced(&inputs[start..c.pos]), Some(name)));
    }
    Some((receiver, params))
}

/// What a type read by [`ty`] is, as far as validation asks.
enum Shape {
    /// `a::b<..>::C<..>`, with a leading `::` or not.
    Path(Vec<Segment>),
    /// A reference or `()`.
    Other,
}

struct Segment {
    name: String,
    /// `<..>`: each argument's tokens and, unless it is a lifetime, shape.
    args: Option<Vec<(Range<usize>, Option<Shape>)>>,
}

/// One type: `&'a mut T`, `()` or a path whose arguments are types and
/// lifetimes.
fn ty(c: &mut Cursor) -> Option<Shape> {
    match c.peek()? {
        TokenTree::Punct(p) if p.as_char() == '&' => {
            c.pos += 1;
            if c.peek_punct('\'') {
                c.lifetime()?;
            }
            if matches!(c.peek(), Some(TokenTree::Ident(i)) if i == "mut") {
                c.pos += 1;
            }
            ty(c)?;
            Some(Shape::Other)
        }
        TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis && g.stream().is_empty() => {
            c.pos += 1;
            Some(Shape::Other)
        }
        TokenTree::Punct(_) | TokenTree::Ident(_) => path(c).map(Shape::Path),
        _ => None,
    }
}

fn path(c: &mut Cursor) -> Option<Vec<Segment>> {
    c.path_sep();
    let mut segments = Vec::new();
    loop {
        let name = c.path_segment()?;
        let args = if c.peek_punct('<') {
            Some(generic_args(c)?)
        } else {
            None
        };
        segments.push(Segment { name, args });
        if !c.path_sep() {
            return Some(segments);
        }
    }
}

/// `<A, 'b, ..>`, at least one argument.
fn generic_args(c: &mut Cursor) -> Option<Vec<(Range<usize>, Option<Shape>)>> {
    c.punct('<')?;
    let mut args = Vec::new();
    while !c.peek_punct('>') {
        let start = c.pos;
        let shape = if c.peek_punct('\'') {
            c.lifetime()?;
            None
        } else {
            Some(ty(c)?)
        };
        args.push((start..c.pos, shape));
        if !c.peek_punct(',') {
            break;
        }
        c.pos += 1;
    }
    c.punct('>')?;
    (!args.is_empty()).then_some(args)
}

/// The return type at `range` of `tokens`, read as `ast::Declaration::from_syn`
/// reads it.
fn output(tokens: &[TokenTree], range: Range<usize>, shape: Shape) -> Output {
    let ty = respaced(&tokens[range]);
    let Some((prefix, ok, error)) = result_parts(shape) else {
        return Output::Other(ty);
    };
    Output::Result(Box::new(ResultType {
        ty,
        prefix,
        is_unit: ast::is_unit(&tokens[ok.clone()]),
        ok: respaced(&tokens[ok]),
        error: error.map(|(range, shape)| ErrorType {
            ty: respaced(&tokens[range]),
            prefix: error_prefix(shape),
        }),
    }))
}

/// For `prefix::Result<T>` or `prefix::Result<T, E>`: the prefix's names,
/// `T`'s range and `E`'s range and shape.
type ResultParts = (Vec<String>, Range<usize>, Option<(Range<usize>, Shape)>);

fn result_parts(shape: Shape) -> Option<ResultParts> {
    let Shape::Path(mut segments) = shape else {
        return None;
    };
    let last = segments.pop()?;
    if last.name != "Result" || segments.iter().any(|s| s.args.is_some()) {
        return None;
    }
    let mut args = last.args?.into_iter();
    let (ok, Some(_)) = args.next()? else {
        return None;
    };
    let error = match args.next() {
        None => None,
        Some((range, Some(shape))) => Some((range, shape)),
        Some((_, None)) => return None,
    };
    if args.next().is_some() {
        return None;
    }
    let prefix = segments.into_iter().map(|s| s.name).collect();
    Some((prefix, ok, error))
}

/// The path before `Error` when `shape` is a path ending in `Error`.
fn error_prefix(shape: Shape) -> Option<Vec<String>> {
    let Shape::Path(mut segments) = shape else {
        return None;
    };
    let last = segments.pop()?;
    (last.name == "Error" && last.args.is_none())
        .then(|| segments.into_iter().map(|s| s.name).collect())
}

/// `tokens` (of the shapes read here) spaced as syn prints them: `'` and
/// the first `:` of `::` joint, every other punctuation alone. The source
/// spaces a `>` before `;` or `,` joint, and rustc would glue it to a `>`
/// the expansion writes after it (`returns::<Result<T>>`), which moves where
/// errors point.
fn respaced(tokens: &[TokenTree]) -> Tokens {
    let mut out = tokens.to_vec();
    let mut i = 0;
    while i < out.len() {
        let TokenTree::Punct(p) = &out[i] else {
            i += 1;
            continue;
        };
        let ch = p.as_char();
        let next_colon = matches!(out.get(i + 1), Some(TokenTree::Punct(n)) if n.as_char() == ':');
        let mut spaced = |at: usize, spacing| {
            if let TokenTree::Punct(p) = &out[at]
                && p.spacing() != spacing
            {
                let mut new = Punct::new(p.as_char(), spacing);
                new.set_span(p.span());
                out[at] = TokenTree::Punct(new);
            }
        };
        match ch {
            '\'' => spaced(i, Spacing::Joint),
            ':' if next_colon => {
                spaced(i, Spacing::Joint);
                spaced(i + 1, Spacing::Alone);
                i += 1;
            }
            _ => spaced(i, Spacing::Alone),
        }
        i += 1;
    }
    out
}

/// The text of a plain string literal: `"..."` without escapes.
fn plain_string(literal: &Literal) -> Option<String> {
    let text = literal.to_string();
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    // One `char` at a time: a set of chars is searched slowly unoptimized.
    let plain = !inner.contains('\\') && !inner.contains('"') && !inner.contains('\r');
    plain.then(|| inner.to_owned())
}

/// Whether `word` is a keyword, which syn does not read as a name (`_`
/// included); a few reserved and contextual words too, to stay on the safe
/// side.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
            | "gen"
            | "safe"
            | "union"
            | "raw"
            | "auto"
            | "default"
            | "macro_rules"
    )
}

/// A position in a list of tokens.
struct Cursor<'a> {
    tokens: &'a [TokenTree],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(tokens: &'a [TokenTree]) -> Self {
        Cursor { tokens, pos: 0 }
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    fn peek(&self) -> Option<&'a TokenTree> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<&'a TokenTree> {
        let token = self.peek()?;
        self.pos += 1;
        Some(token)
    }

    fn peek_punct(&self, ch: char) -> bool {
        matches!(self.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ch)
    }

    fn punct(&mut self, ch: char) -> Option<()> {
        self.peek_punct(ch).then(|| self.pos += 1)
    }

    /// `->`.
    fn arrow(&mut self) -> Option<()> {
        match self.tokens.get(self.pos..self.pos + 2)? {
            [TokenTree::Punct(a), TokenTree::Punct(b)]
                if a.as_char() == '-' && a.spacing() == Spacing::Joint && b.as_char() == '>' =>
            {
                self.pos += 2;
                Some(())
            }
            _ => None,
        }
    }

    /// Takes a `::`, if there is one.
    fn path_sep(&mut self) -> bool {
        let sep = matches!(
            self.tokens.get(self.pos..self.pos + 2),
            Some([TokenTree::Punct(a), TokenTree::Punct(b)])
                if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
        );
        if sep {
            self.pos += 2;
        }
        sep
    }

    fn ident(&mut self) -> Option<Ident> {
        match self.next()? {
            TokenTree::Ident(ident) => Some(ident.clone()),
            _ => None,
        }
    }

    /// An identifier that is not a keyword.
    fn name(&mut self) -> Option<Ident> {
        let ident = self.ident()?;
        (!is_keyword(&ident.to_string())).then_some(ident)
    }

    /// The keyword `word`.
    fn word(&mut self, word: &str) -> Option<Ident> {
        let ident = self.ident()?;
        (ident == word).then_some(ident)
    }

    /// A name, or `crate`, `self`, `super` or `Self`, as a path segment.
    fn path_segment(&mut self) -> Option<String> {
        let name = self.ident()?.to_string();
        let special = matches!(name.as_str(), "crate" | "self" | "super" | "Self");
        (special || !is_keyword(&name)).then_some(name)
    }

    /// `::a::b`, as `Path::parse_mod_style` reads it: the segments' names.
    fn mod_path(&mut self) -> Option<Vec<String>> {
        self.path_sep();
        let mut names = vec![self.path_segment()?];
        while self.path_sep() {
            names.push(self.path_segment()?);
        }
        Some(names)
    }

    fn group(&mut self, delimiter: Delimiter) -> Option<&'a Group> {
        match self.next()? {
            TokenTree::Group(g) if g.delimiter() == delimiter => Some(g),
            _ => None,
        }
    }

    /// `'a`.
    fn lifetime(&mut self) -> Option<()> {
        match self.tokens.get(self.pos..self.pos + 2)? {
            [TokenTree::Punct(p), TokenTree::Ident(_)]
                if p.as_char() == '\'' && p.spacing() == Spacing::Joint =>
            {
                self.pos += 2;
                Some(())
            }
            _ => None,
        }
    }
}
