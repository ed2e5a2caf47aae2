//! The answers the fake builds from the response schema, for every operation of the real
//! catalog, and through HTTP on loopback for every operation the fake answers so (those it
//! answers from its stored objects have their own tests): exactly what the spec allows
//! (strictly valid for the response schema) and read as a live object of a real tenant:
//! listed enum values, no deletion, `{}` for protobuf's Empty, C1 ids of its own for every
//! object, timestamps in order, and a listing's 60 distinct items. A client tested against
//! the fake then meets no built answer the real service could not send.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::instance::BUILT_LIST_LEN;
use super::plausible::is_deletion_time;
use super::{OPERATIONS, Operation, SCHEMAS, Schema, TokenIn, Ty, schema, validate};
use crate::FakeC1;

const TOKEN: &str = "answers-token";

/// The service the fake serves with state, from its own routes (tests/loopback/connector_owners.rs).
const CONNECTOR_OWNERS: &str = "c1.api.app.v2.ConnectorOwners.";

/// Whether the fake answers `op` from state (a resource family's stored objects, the task
/// history, ConnectorOwnersV2's owners) rather than with a built answer.
fn from_state(op: &Operation) -> bool {
    op.id.starts_with(CONNECTOR_OWNERS) || crate::stateful_operations().any(|(id, _)| id == op.id)
}

/// The request that asks operation `op` for its answer, a listing's whole in one page:
/// method, path (every parameter `7`), body.
fn request(op: &Operation) -> (String, Option<Value>) {
    let mut path = String::new();
    let mut rest = op.template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').unwrap() + open;
        path.push_str(&rest[..open]);
        path.push('7');
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    let page = op.page.as_ref().map(|p| p.token_in);
    if page == Some(TokenIn::Query) {
        path.push_str("?page_size=100");
    }
    let body = op.request.map(|_| match page {
        Some(TokenIn::Body) => json!({ "pageSize": 100 }),
        _ => json!({}),
    });
    (path, body)
}

/// What an answer holds that a live object of a real tenant would not, beyond what strict
/// validation refuses; and the ids of its objects.
#[derive(Default)]
struct Findings {
    problems: Vec<String>,
    ids: Vec<String>,
}

impl Findings {
    fn walk(&mut self, schemas: &[Schema], ty: &Ty, value: &Value, path: &str) {
        match (ty, value) {
            (Ty::Ref(name), Value::Object(map)) => {
                let Some(schema) = schema(schemas, name) else {
                    return;
                };
                for field in schema.fields {
                    let Some(v) = map.get(field.name) else {
                        continue;
                    };
                    let at = format!("{path}.{}", field.name);
                    if is_deletion_time(field.name) {
                        self.problems
                            .push(format!("{at}: a live object has no {v}"));
                    }
                    let deleted = field.name == "deleted" || field.name == "isDeleted";
                    if deleted && v != &json!(false) {
                        self.problems.push(format!("{at}: {v}"));
                    }
                    if field.name == "id" && matches!(field.ty, Ty::String) {
                        self.ids.push(v.as_str().unwrap_or_default().to_owned());
                    }
                    self.walk(schemas, &field.ty, v, &at);
                }
                self.times_in_order(map, path);
            }
            (Ty::Enum(values), Value::String(v)) => {
                let zero = v == "UNSPECIFIED" || v.ends_with("_UNSPECIFIED");
                if !values.contains(&v.as_str()) || zero {
                    self.problems
                        .push(format!("{path}: {v} (listed: {values:?})"));
                }
            }
            (Ty::Empty, v) if v != &json!({}) => {
                self.problems.push(format!("{path}: {v} for an Empty"));
            }
            (Ty::Array(item), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    self.walk(schemas, item, v, &format!("{path}[{i}]"));
                }
            }
            (Ty::Map(item), Value::Object(map)) => {
                for (k, v) in map {
                    self.walk(schemas, item, v, &format!("{path}[{k:?}]"));
                }
            }
            _ => {}
        }
    }

    /// Created, then updated, then expiring (protobuf's canonical timestamps compare as
    /// text).
    fn times_in_order(&mut self, map: &serde_json::Map<String, Value>, path: &str) {
        let at = |name: &str| map.get(name).and_then(Value::as_str);
        for (earlier, later) in [
            ("createdAt", "updatedAt"),
            ("createdAt", "expiresAt"),
            ("updatedAt", "expiresAt"),
        ] {
            if let (Some(a), Some(b)) = (at(earlier), at(later))
                && a > b
            {
                self.problems
                    .push(format!("{path}: {earlier} {a} after {later} {b}"));
            }
        }
    }
}

/// The problems of the answer `body` of `op`.
fn check_answer(op: &Operation, body: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = validate::check_object(SCHEMAS, op.response, body, true) {
        problems.push(format!("not valid, strictly: {e}"));
    }
    let mut found = Findings::default();
    found.walk(SCHEMAS, &Ty::Ref(op.response), body, "");
    problems.append(&mut found.problems);
    let unique: BTreeSet<&String> = found.ids.iter().collect();
    if unique.len() != found.ids.len() {
        problems.push("two objects share an id".to_owned());
    }
    if let Some(bad) = found
        .ids
        .iter()
        .find(|id| id.len() != 27 || !id.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        problems.push(format!("{bad:?} is no C1 id"));
    }
    if let Some(page) = &op.page {
        let items = body[page.items].as_array().map_or(&[][..], Vec::as_slice);
        let distinct: BTreeSet<String> = items.iter().map(Value::to_string).collect();
        if items.len() != BUILT_LIST_LEN || distinct.len() != items.len() {
            problems.push(format!(
                "`{}` holds {} items, {} distinct",
                page.items,
                items.len(),
                distinct.len()
            ));
        }
        if body["nextPageToken"] != "" {
            problems.push(format!(
                "nextPageToken {} in one page",
                body["nextPageToken"]
            ));
        }
    }
    problems
}

#[test]
fn every_built_answer_is_a_strictly_valid_live_object() {
    let mut failures = Vec::new();
    for op in OPERATIONS {
        let answer = super::instance::answer(SCHEMAS, op.response, false, op.page.as_ref());
        for problem in check_answer(op, &answer) {
            failures.push(format!("{}: {problem}", op.id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(OPERATIONS.len(), 638);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answered_from_its_schema_serves_a_strictly_valid_live_object() {
    let fake = FakeC1::start().await;
    fake.add_bearer_token(TOKEN);
    let http = reqwest::Client::new();
    let (mut failures, mut served, mut listings) = (Vec::new(), 0, 0);
    let stateful = OPERATIONS.iter().filter(|op| from_state(op)).count();
    for op in OPERATIONS.iter().filter(|op| !from_state(op)) {
        let (path, body) = request(op);
        let (status, answer) =
            crate::test_http::send(&http, &fake, TOKEN, op.method, &path, body.as_ref()).await;
        if status != 200 {
            failures.push(format!("{} {}: {status} {answer}", op.method, path));
            continue;
        }
        // The request reached the operation, not a more specific one.
        if fake.operation_requests(op.id).is_empty() {
            failures.push(format!("{}: {} {path} went elsewhere", op.id, op.method));
        }
        served += 1;
        listings += usize::from(op.page.is_some());
        for problem in check_answer(op, &answer) {
            failures.push(format!("{}: {problem}", op.id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(served + stateful, OPERATIONS.len());
    // Most operations answer from their schema: computations, settings, relations.
    assert!(served > 400, "{served} operations served from their schema");
    assert!(
        listings > 80,
        "{listings} listings served from their schema"
    );
}

/// The checks above catch what they are meant to: an answer with each fault.
#[test]
fn the_checks_find_each_fault() {
    let op = OPERATIONS
        .iter()
        .find(|op| op.id == "c1.api.user.v1.UserService.Get")
        .unwrap();
    let good = super::instance::answer(SCHEMAS, op.response, false, None);
    assert_eq!(check_answer(op, &good), Vec::<String>::new());
    let user = |edit: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        edit(&mut v["userView"]["user"]);
        check_answer(op, &v).join("\n")
    };
    assert!(user(&|u| u["status"] = json!("UNKNOWN_STATUS")).contains("listed"));
    assert!(user(&|u| u["deletedAt"] = json!("2024-05-01T12:00:00Z")).contains("no \""));
    assert!(user(&|u| u["createdAt"] = json!("2030-01-01T00:00:00Z")).contains("after"));
    assert!(user(&|u| u["id"] = json!("user-1")).contains("no C1 id"));
    assert!(user(&|u| u["nosuch"] = json!(1)).contains("strictly"));
    let list = OPERATIONS
        .iter()
        .find(|op| op.id == "c1.api.user.v1.UserService.List")
        .unwrap();
    let mut one = super::instance::instance(SCHEMAS, list.response, false);
    assert!(
        check_answer(list, &one)
            .join("\n")
            .contains("holds 1 items")
    );
    let item = one["list"][0].clone();
    one["list"] = json!(vec![item; BUILT_LIST_LEN]);
    assert!(check_answer(list, &one).join("\n").contains("1 distinct"));
}
