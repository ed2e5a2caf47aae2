//! The filters the main searches honour, by operation. A search not listed here answers
//! every stored object of its family (in its path's scope). The grants' search has its
//! filters in `grants.rs`, read with this module's [`Req`].
//!
//! | search | filters |
//! |---|---|
//! | `UserSearch.Search` | `query`, `email`, `ids`, `excludeIds`, `userStatuses` |
//! | `AppSearch.Search` | `query`, `displayName`, `appIds`, `excludeAppIds`, `onlyDirectories` |
//! | `AppEntitlementSearchService.Search` | `query`, `displayName`, `appIds`, `excludeAppIds`, `refs` |
//! | `TaskSearchService.Search` | `query`, `taskStates`, `assigneesInIds`, `subjectIds`, `openerIds`, `refs`, `excludeIds` |

use serde_json::Value;

/// Whether `object` passes the filters `body` sets for search `op_id`.
pub(crate) fn keep(op_id: &str, body: &Value, _query: &[(String, String)], object: &Value) -> bool {
    let req = Req(body);
    let text = |field: &str| text(object, field);
    let id = text("id");
    match op_id {
        "c1.api.user.v1.UserSearch.Search" => {
            req.contains_text(
                "query",
                &[text("displayName"), text("email"), text("username")],
            ) && req.equals_text("email", &emails(object))
                && req.one_of("ids", id)
                && !req.listed("excludeIds", id)
                && req.one_of("userStatuses", text("status"))
        }
        "c1.api.app.v1.AppSearch.Search" => {
            req.contains_text("query", &[text("displayName"), text("description")])
                && req.equals_text("displayName", &[text("displayName")])
                && req.one_of("appIds", id)
                && !req.listed("excludeAppIds", id)
                && (!req.flag("onlyDirectories") || object["isDirectory"] == Value::Bool(true))
        }
        "c1.api.app.v1.AppEntitlementSearchService.Search" => {
            req.contains_text(
                "query",
                &[text("displayName"), text("description"), text("slug")],
            ) && req.equals_text("displayName", &[text("displayName")])
                && req.one_of("appIds", text("appId"))
                && !req.listed("excludeAppIds", text("appId"))
                && req.in_refs("refs", |r| r["id"] == id && r["appId"] == text("appId"))
        }
        "c1.api.task.v1.TaskSearchService.Search" => {
            let mut assignees = strings(object, "stepApproverIds");
            assignees.extend(strings(object, "approverIds"));
            req.contains_text("query", &[text("displayName"), text("description")])
                && req.one_of("taskStates", text("state"))
                && req.any_of("assigneesInIds", &assignees)
                && req.one_of("subjectIds", text("userId"))
                && req.one_of("openerIds", text("createdByUserId"))
                && req.in_refs("refs", |r| r["id"] == id)
                && !req.listed("excludeIds", id)
        }
        _ => true,
    }
}

/// A search request body, read leniently (absent, `null` and empty mean "no filter").
pub(crate) struct Req<'a>(pub(crate) &'a Value);

impl Req<'_> {
    fn list(&self, field: &str) -> Vec<&str> {
        self.0
            .get(field)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }

    fn text(&self, field: &str) -> &str {
        self.0
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    fn flag(&self, field: &str) -> bool {
        self.0.get(field) == Some(&Value::Bool(true))
    }

    /// No list given, or `value` is in it.
    pub(crate) fn one_of(&self, field: &str, value: &str) -> bool {
        let list = self.list(field);
        list.is_empty() || list.contains(&value)
    }

    /// No list given, or one of `values` is in it.
    fn any_of(&self, field: &str, values: &[&str]) -> bool {
        let list = self.list(field);
        list.is_empty() || values.iter().any(|v| list.contains(v))
    }

    /// `value` is in the list (an exclusion).
    fn listed(&self, field: &str, value: &str) -> bool {
        self.list(field).contains(&value)
    }

    /// No text given, or one of `values` contains it, ignoring case.
    fn contains_text(&self, field: &str, values: &[&str]) -> bool {
        let needle = self.text(field).trim().to_lowercase();
        needle.is_empty() || values.iter().any(|v| v.to_lowercase().contains(&needle))
    }

    /// No text given, or one of `values` equals it, ignoring case.
    fn equals_text(&self, field: &str, values: &[&str]) -> bool {
        let wanted = self.text(field).trim();
        wanted.is_empty() || values.iter().any(|v| v.eq_ignore_ascii_case(wanted))
    }

    /// No text given, or it is `value`, exactly (an id).
    pub(crate) fn is(&self, field: &str, value: &str) -> bool {
        let wanted = self.text(field);
        wanted.is_empty() || wanted == value
    }

    /// No references in `field` (`refs`, say), or one of them matches.
    pub(crate) fn in_refs(&self, field: &str, matches: impl Fn(&Value) -> bool) -> bool {
        match self.0.get(field).and_then(Value::as_array) {
            Some(refs) if !refs.is_empty() => refs.iter().any(matches),
            _ => true,
        }
    }
}

/// The string `field` of `object`, or `""`.
pub(crate) fn text<'v>(object: &'v Value, field: &str) -> &'v str {
    object
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn strings<'v>(object: &'v Value, field: &str) -> Vec<&'v str> {
    object
        .get(field)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// A user's `email` and every address in `emails`.
fn emails(user: &Value) -> Vec<&str> {
    let mut all = strings(user, "emails");
    all.extend(user.get("email").and_then(Value::as_str));
    all
}
