//! The reference graph of the schemas, over every reference (direct, and
//! through lists and maps): its strongly connected components say which
//! fields can lead a type back into itself, so the models bound how deeply a
//! body may nest them (`wire::nested`); and for the tests, a deep body for
//! every model (`tests/fixtures/api/nesting.rs`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write;

use crate::names::Names;
use crate::spec::{Spec, Ty};

/// One reference of a schema's field to another schema.
#[derive(Clone, Copy)]
struct Edge {
    to: usize,
    /// Index in the schema's `fields`.
    field: usize,
}

pub struct Graph<'a> {
    spec: &'a Spec,
    keys: Vec<&'a String>,
    index: BTreeMap<&'a str, usize>,
    /// Per schema, its references in field order.
    edges: Vec<Vec<Edge>>,
    /// Per schema, its component.
    comp: Vec<usize>,
    /// Per component, its schemas.
    members: Vec<Vec<usize>>,
}

impl<'a> Graph<'a> {
    pub fn new(spec: &'a Spec) -> Graph<'a> {
        let keys: Vec<&String> = spec.schemas.keys().collect();
        let index: BTreeMap<&str, usize> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let edges: Vec<Vec<Edge>> = keys
            .iter()
            .map(|k| {
                let mut out = Vec::new();
                for (field, f) in spec.schemas[*k].fields.iter().enumerate() {
                    f.ty.refs(&mut |r| {
                        out.push(Edge {
                            to: index[r],
                            field,
                        })
                    });
                }
                out
            })
            .collect();
        let targets: Vec<Vec<usize>> = edges
            .iter()
            .map(|out| out.iter().map(|e| e.to).collect())
            .collect();
        let comp = tarjan(&targets);
        let mut members = vec![Vec::new(); comp.iter().max().map_or(0, |m| m + 1)];
        for (v, &c) in comp.iter().enumerate() {
            members[c].push(v);
        }
        Graph {
            spec,
            keys,
            index,
            edges,
            comp,
            members,
        }
    }

    /// (schema key, wire field) of every field whose type leads back into
    /// its own schema's component: following it can come back to the schema.
    pub fn nested(&self) -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        for (from, edges) in self.edges.iter().enumerate() {
            for e in edges {
                if self.comp[from] == self.comp[e.to] {
                    out.insert((self.keys[from].clone(), self.wire(from, e.field).to_owned()));
                }
            }
        }
        out
    }

    fn wire(&self, schema: usize, field: usize) -> &str {
        &self.spec.schemas[self.keys[schema]].fields[field].wire
    }

    fn guarded(&self, from: usize, e: Edge) -> bool {
        self.comp[from] == self.comp[e.to]
    }

    fn cyclic(&self, c: usize) -> bool {
        self.members[c].len() > 1 || {
            let v = self.members[c][0];
            self.edges[v].iter().any(|e| e.to == v)
        }
    }

    /// The shortest walk inside `from`'s component from `from` to a schema
    /// for which `goal` holds, as (schema, edge) steps.
    fn walk_inside(
        &self,
        from: usize,
        goal: impl Fn(usize) -> bool,
    ) -> (Vec<(usize, Edge)>, usize) {
        let c = self.comp[from];
        let mut back: BTreeMap<usize, (usize, Edge)> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(v) = queue.pop_front() {
            if goal(v) {
                let mut steps = Vec::new();
                let mut at = v;
                while at != from {
                    let (prev, e) = back[&at];
                    steps.push((prev, e));
                    at = prev;
                }
                steps.reverse();
                return (steps, v);
            }
            for &e in &self.edges[v] {
                if self.comp[e.to] == c && seen.insert(e.to) {
                    back.insert(e.to, (v, e));
                    queue.push_back(e.to);
                }
            }
        }
        unreachable!("a component is strongly connected")
    }

    /// Per component, the most schemas a chain of references starting in it
    /// passes through, crossing each component once (it is a DAG).
    fn longest(&self) -> Vec<usize> {
        let mut memo = vec![0; self.members.len()];
        // Tarjan numbers components in reverse topological order: a
        // component's successors all have smaller numbers.
        for c in 0..self.members.len() {
            let mut best = 0;
            for &v in &self.members[c] {
                for e in &self.edges[v] {
                    let d = self.comp[e.to];
                    if d != c {
                        debug_assert!(d < c);
                        best = best.max(memo[d]);
                    }
                }
            }
            memo[c] = best + 1;
        }
        memo
    }

    /// Per component, the most schemas a chain from it to `target` passes
    /// through (`None`: `target` is out of reach).
    fn longest_to(&self, target: usize) -> Vec<Option<usize>> {
        let mut memo = vec![None; self.members.len()];
        memo[target] = Some(1);
        for c in target + 1..self.members.len() {
            let mut best = None;
            for &v in &self.members[c] {
                for e in &self.edges[v] {
                    let d = self.comp[e.to];
                    if d != c {
                        best = best.max(memo[d]);
                    }
                }
            }
            memo[c] = best.map(|b| b + 1);
        }
        memo
    }

    /// The steps of the chain from schema `from` that follows `score`
    /// (per component, the length of the best chain from it; `None` for a
    /// dead end) down to a component of score 1. Ties go to the first edge.
    fn chain(&self, mut from: usize, score: &[Option<usize>]) -> (Vec<(usize, Edge)>, usize) {
        let mut steps = Vec::new();
        while let Some(s) = score[self.comp[from]]
            && s > 1
        {
            let c = self.comp[from];
            let exits = |v: usize| {
                self.edges[v]
                    .iter()
                    .any(|e| self.comp[e.to] != c && score[self.comp[e.to]] == Some(s - 1))
            };
            let (inside, exit) = self.walk_inside(from, exits);
            steps.extend(inside);
            let e = *self.edges[exit]
                .iter()
                .find(|e| self.comp[e.to] != c && score[self.comp[e.to]] == Some(s - 1))
                .unwrap();
            steps.push((exit, e));
            from = e.to;
        }
        (steps, from)
    }

    /// The JSON that opens `steps` (`{"field":`, `{"list":[`, `{"map":{"k":`)
    /// and how many of them are guarded.
    fn open(&self, steps: &[(usize, Edge)]) -> (String, usize) {
        let mut out = String::new();
        let mut guards = 0;
        for &(v, e) in steps {
            let f = &self.spec.schemas[self.keys[v]].fields[e.field];
            let _ = write!(out, "{{{}:", serde_json::to_string(&f.wire).unwrap());
            let mut ty = &f.ty;
            loop {
                match ty {
                    Ty::Array(t) => {
                        out.push('[');
                        ty = t;
                    }
                    Ty::Map(t) => {
                        out.push_str("{\"k\":");
                        ty = t;
                    }
                    _ => break,
                }
            }
            guards += usize::from(self.guarded(v, e));
        }
        (out, guards)
    }

    /// `nesting! { .. }`: for every model, deep bodies (see the file's header).
    pub fn witnesses(&self, names: &Names, models: &BTreeSet<&str>) -> String {
        let mut by_name: Vec<(&str, usize)> = models
            .iter()
            .map(|key| (names.types[*key].as_str(), self.index[key]))
            .collect();
        by_name.sort();
        let longest: Vec<Option<usize>> = self.longest().into_iter().map(Some).collect();
        let cycles: Vec<usize> = (0..self.members.len())
            .filter(|&c| self.cyclic(c))
            .collect();
        let to: Vec<Vec<Option<usize>>> = cycles.iter().map(|&c| self.longest_to(c)).collect();
        let mut out = String::from(HEADER);
        out.push_str("nesting! {\n");
        let mut line =
            |name: &str, guards: usize, head: &str, unit: (usize, &str), middle: &str| {
                for text in [head, unit.1, middle] {
                    assert!(!text.contains("\"#"), "{text}");
                }
                let _ = writeln!(
                    out,
                    "    {name} {guards} r#\"{head}\"# {} r#\"{}\"# r#\"{middle}\"#;",
                    unit.0, unit.1
                );
            };
        for &(name, model) in &by_name {
            // The longest chain of distinct types.
            let (steps, _) = self.chain(model, &longest);
            let (head, guards) = self.open(&steps);
            line(name, guards, &head, (0, ""), "{}");
            // Into each cycle it reaches, once per reference of the cycle.
            for (i, &c) in cycles.iter().enumerate() {
                if to[i][self.comp[model]].is_none() {
                    continue;
                }
                let (into, entry) = self.chain(model, &to[i]);
                for &u in &self.members[c] {
                    for &e in &self.edges[u] {
                        if self.comp[e.to] != c {
                            continue;
                        }
                        let (mut head_steps, _) = self.walk_inside(entry, |v| v == u);
                        head_steps.splice(0..0, into.iter().copied());
                        let (back, _) = self.walk_inside(e.to, |v| v == u);
                        let mut unit = vec![(u, e)];
                        unit.extend(back);
                        // After the last turn, the longest way out.
                        let (tail, _) = self.chain(u, &longest);
                        let (head, head_guards) = self.open(&head_steps);
                        let (unit, unit_guards) = self.open(&unit);
                        let (tail, tail_guards) = self.open(&tail);
                        line(
                            name,
                            head_guards + tail_guards,
                            &head,
                            (unit_guards, &unit),
                            &format!("{tail}{{}}{}", close(&tail)),
                        );
                    }
                }
            }
        }
        out.push_str("}\n");
        out
    }
}

const HEADER: &str = "\
// @generated by c1-codegen: deep bodies for every request and response model.
// `Type guards head unit_guards unit middle;` is the body
// head + unit * n + middle + the closing brackets, which nests the API's
// recursive types guards + unit_guards * n levels (`c1::models::MAX_NESTING`
// counts them). Per model: the longest chain of distinct types (no unit), and
// for each recursive cycle it reaches, once per reference of the cycle: the
// longest way into the cycle, the cycle, and the longest way out after it.
";

/// The brackets that close `open`, innermost first.
fn close(open: &str) -> String {
    let mut stack = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in open.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => stack.push('}'),
            '[' => stack.push(']'),
            _ => {}
        }
    }
    stack.iter().rev().collect()
}

/// Strongly connected components (iterative Tarjan): a component id per
/// node, numbered in reverse topological order (a component's successors
/// have smaller ids).
pub fn tarjan(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let (mut index, mut low, mut comp) = (vec![usize::MAX; n], vec![0; n], vec![usize::MAX; n]);
    let (mut on_stack, mut stack, mut next, mut comps) = (vec![false; n], Vec::new(), 0, 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((v, i)) = work.pop() {
            if i == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(i) {
                work.push((v, i + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = comps;
                    if w == v {
                        break;
                    }
                }
                comps += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    comp
}
