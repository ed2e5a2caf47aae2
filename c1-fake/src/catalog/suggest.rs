//! "Did you mean": the operation ids closest to one the fake does not have.
//!
//! An id is the spec's `operationId` (`c1.api.app.v1.Apps.Get`). What a
//! test writes instead is usually a typo, the wrong case, the id's tail
//! (`Apps.Get`), or c1's name for the call (`Apps.get`, `apps().get`, `get`):
//! each of those finds the ids it can mean, else the nearest by edit distance.

use super::Operation;

/// At most this many ids are suggested.
const MAX: usize = 3;

/// The ids `wanted` most likely meant, best first; empty when nothing is close.
pub(crate) fn closest(operations: &[&'static Operation], wanted: &str) -> Vec<&'static str> {
    let key = normalize(wanted);
    if key.is_empty() {
        return Vec::new();
    }
    let squashed = squash(&key);
    // The same id in another case, its tail, or c1's `service.method`.
    let named: Vec<&'static str> = operations
        .iter()
        .filter(|op| {
            let id = op.id.to_ascii_lowercase();
            id == key
                || id.ends_with(&format!(".{key}"))
                || squash(&format!("{}.{}", op.service, op.name)) == squashed
                || (!key.contains('.') && squash(op.name) == squashed)
        })
        .map(|op| op.id)
        .collect();
    if !named.is_empty() {
        return named.into_iter().take(MAX).collect();
    }
    // Else the nearest ids, if they are near: a typo, not another name.
    let limit = (key.len() / 3).max(2);
    let mut near: Vec<(usize, &'static str)> = operations
        .iter()
        .filter_map(|op| {
            let d = distance(&op.id.to_ascii_lowercase(), &key);
            (d <= limit).then_some((d, op.id))
        })
        .collect();
    near.sort();
    // The nearest, and those one edit further: not every id within reach.
    let best = near.first().map_or(0, |(d, _)| *d);
    near.into_iter()
        .take_while(|(d, _)| *d <= best + 1)
        .take(MAX)
        .map(|(_, id)| id)
        .collect()
}

/// `client.apps().get(..)` -> `apps.get`: lower case, without the call
/// syntax, `::` as a dot.
fn normalize(wanted: &str) -> String {
    let text = wanted
        .trim()
        .replace("::", ".")
        .replace("(..)", "")
        .replace("()", "")
        .to_ascii_lowercase();
    let text = text.strip_prefix("client.").unwrap_or(&text);
    text.trim_matches('.').to_owned()
}

/// `task_actions.get` and `TaskActions.Get` alike: `taskactions.get`.
fn squash(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "")
}

/// The Levenshtein distance between `a` and `b`, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let replaced = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = replaced.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::OPERATIONS;

    fn suggest(wanted: &str) -> Vec<&'static str> {
        let all: Vec<&'static Operation> = OPERATIONS.iter().collect();
        closest(&all, wanted)
    }

    #[test]
    fn distances() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("apps.get", "apps.get"), 0);
        assert_eq!(distance("apps.gte", "apps.get"), 2);
    }

    #[test]
    fn a_typo_finds_the_id() {
        assert_eq!(
            suggest("c1.api.app.v1.Apps.Gett"),
            ["c1.api.app.v1.Apps.Get"]
        );
        assert_eq!(suggest("c1.api.app.v1.App.Get"), ["c1.api.app.v1.Apps.Get"]);
    }

    #[test]
    fn another_case_a_tail_or_c1s_name_finds_the_id() {
        for wanted in [
            "C1.API.APP.V1.APPS.GET",
            "Apps.Get",
            "apps.get",
            "Apps::get",
            "apps().get",
            "client.apps().get(..)",
        ] {
            assert_eq!(suggest(wanted), ["c1.api.app.v1.Apps.Get"], "{wanted}");
        }
        // c1's method name alone: every service's operation of that name, at most three.
        let gets = suggest("get");
        assert_eq!(gets.len(), MAX);
        assert!(gets.iter().all(|id| id.ends_with(".Get")), "{gets:?}");
    }

    #[test]
    fn nothing_close_suggests_nothing() {
        assert!(suggest("").is_empty());
        assert!(suggest("completely.unrelated.thing").is_empty());
    }
}
