//! The generic handler every catalog operation shares: method and path matched, query and
//! body checked against the schema, the answer scripted or built from the response schema,
//! lists served in pages, requests recorded per operation.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::Body;
use axum::http::{Response, StatusCode};
use axum::response::IntoResponse;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::table::{Found, Table};
use super::{Operation, Page, Schema, TokenIn, instance, validate};
use crate::family::{self, FamilyCall};
use crate::grants;
use crate::hosted::RouteRequest;
use crate::inspect::RecordedRequest;
use crate::lock;
use crate::objects::{self, Objects};
use crate::reply::Reply;
use crate::state::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE, Store, timestamp_now};
use crate::status::ApiError;
use crate::template::Params;

/// What a test scripted for one operation.
#[derive(Debug, Clone)]
enum Scripted {
    /// A JSON answer (a fixture), served in pages when the operation lists.
    Json(Value),
    /// An answer sent as it is.
    Reply(Reply),
}

/// The catalog the fake serves and what tests scripted and received per operation.
pub(crate) struct Catalog {
    schemas: &'static [Schema],
    table: Table,
    strict: AtomicBool,
    scripted: Mutex<HashMap<&'static str, Scripted>>,
    /// The last `capacity` requests of every operation together, so the memory held stays
    /// bounded however many operations are called.
    requests: Mutex<VecDeque<(&'static str, RouteRequest)>>,
    capacity: usize,
}

/// One request for the catalog, after the fake's own routes passed on it.
pub(crate) struct Call<'a> {
    /// The tenant's stored objects, for the operations of a resource family.
    pub(crate) store: &'a Mutex<Store>,
    pub(crate) method: &'a str,
    pub(crate) raw_path: &'a str,
    pub(crate) body: &'a [u8],
    pub(crate) record: RecordedRequest,
    pub(crate) nulls: bool,
}

impl Catalog {
    pub(crate) fn new(
        operations: &'static [Operation],
        schemas: &'static [Schema],
        capacity: usize,
        strict: bool,
    ) -> Catalog {
        Catalog {
            schemas,
            table: Table::new(operations),
            strict: AtomicBool::new(strict),
            scripted: Mutex::new(HashMap::new()),
            requests: Mutex::new(VecDeque::new()),
            capacity,
        }
    }

    pub(crate) fn set_strict(&self, strict: bool) {
        self.strict.store(strict, Ordering::SeqCst);
    }

    /// The ids of every operation served.
    pub(crate) fn ids(&self) -> Vec<&'static str> {
        self.table.operations().map(|op| op.id).collect()
    }

    /// Script the answer of operation `id`: JSON (paged) or a reply; `Err` for an unknown id.
    pub(crate) fn script(
        &self,
        id: &str,
        json: Option<Value>,
        reply: Option<Reply>,
    ) -> Result<(), String> {
        let op = self.table.operation(id).ok_or_else(|| self.unknown(id))?;
        let scripted = match (json, reply) {
            (Some(v), _) => Scripted::Json(v),
            (None, Some(r)) => Scripted::Reply(r),
            (None, None) => return Ok(()),
        };
        lock(&self.scripted).insert(op.id, scripted);
        Ok(())
    }

    /// Why `id` is not an operation, with the ids it may have meant.
    fn unknown(&self, id: &str) -> String {
        let all: Vec<_> = self.table.operations().collect();
        let hint = format!("`FakeC1::operation_ids()` lists all {}", all.len());
        let suggested = super::suggest::closest(&all, id);
        match suggested.as_slice() {
            [] => format!(
                "no operation {id:?} (ids are the spec's operationId, as `c1.api.app.v1.Apps.Get`; {hint})"
            ),
            [one] => format!("no operation {id:?}; did you mean {one:?}? ({hint})"),
            many => {
                let list: Vec<String> = many.iter().map(|id| format!("{id:?}")).collect();
                format!(
                    "no operation {id:?}; did you mean one of {}? ({hint})",
                    list.join(", ")
                )
            }
        }
    }

    /// The requests operation `id` received (among the last `capacity` of all), in order.
    pub(crate) fn requests(&self, id: &str) -> Vec<RouteRequest> {
        lock(&self.requests)
            .iter()
            .filter(|(op, _)| *op == id)
            .map(|(_, r)| r.clone())
            .collect()
    }

    /// Serve a request, or `None` when no operation has its path (the caller answers 404).
    pub(crate) fn serve(&self, call: Call<'_>) -> Option<Response<Body>> {
        let (op, params) = match self.table.find(call.method, call.raw_path) {
            Found::Operation(op, params) => (op, params),
            Found::WrongMethod => {
                let e = ApiError::new(StatusCode::METHOD_NOT_ALLOWED, 12, "Method Not Allowed");
                return Some(e.into_response());
            }
            Found::Nothing => return None,
        };
        let query = call.record.query_pairs();
        let store = call.store;
        let path_params = params.clone();
        self.record(
            op,
            RouteRequest {
                request: call.record,
                params,
            },
        );
        let strict = self.strict.load(Ordering::SeqCst);
        let answer = check_query(op, &query, strict)
            .and_then(|()| self.check_body(op, call.body, strict))
            .and_then(|body| {
                let input = Input {
                    params: &path_params,
                    query: &query,
                    body: &body,
                };
                self.answer(op, &input, call.nulls, store)
            });
        Some(match answer {
            Ok(resp) => resp,
            Err(mut e) => {
                // Name the operation as c1 calls it: `Apps.get: invalid request body: ..`.
                e.message = format!("{}.{}: {}", op.service, op.name, e.message);
                e.into_response()
            }
        })
    }

    fn record(&self, op: &'static Operation, request: RouteRequest) {
        if self.capacity == 0 {
            return;
        }
        let mut log = lock(&self.requests);
        if log.len() == self.capacity {
            log.pop_front();
        }
        log.push_back((op.id, request));
    }

    /// The JSON body checked against the request schema (`{}` when empty or none is declared).
    fn check_body(&self, op: &Operation, body: &[u8], strict: bool) -> Result<Value, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(json!({}));
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::invalid(format!("malformed JSON request body: {e}")))?;
        if let Some(id) = op.request {
            validate::check_object(self.schemas, id, &value, strict)
                .map_err(|e| ApiError::invalid(format!("invalid request body: {e}")))?;
        }
        Ok(value)
    }

    /// The scripted reply, or the scripted or built JSON, one page of it for a list.
    /// The scripted answer; else the stored objects' for an operation of a resource family
    /// or the task history; else one built from the response schema. One page of it, for a
    /// list.
    fn answer(
        &self,
        op: &'static Operation,
        input: &Input<'_>,
        nulls: bool,
        store: &Mutex<Store>,
    ) -> Result<Response<Body>, ApiError> {
        let scripted = lock(&self.scripted).get(op.id).cloned();
        let mut json = match (scripted, &op.role) {
            (Some(Scripted::Reply(reply)), _) => return Ok(reply.into_response()),
            (Some(Scripted::Json(v)), _) => v,
            (None, _) if op.id == TASK_HISTORY => task_history(&lock(store).objects, input.body)?,
            (None, _) if op.id == grants::SEARCH => {
                grants::search(&lock(store).objects, input.body)
            }
            (None, Some(role)) => {
                let now = timestamp_now();
                let call = FamilyCall {
                    op_id: op.id,
                    role,
                    params: input.params,
                    query: input.query,
                    body: input.body,
                    items: op.page.as_ref().map(|p| p.items),
                    schemas: self.schemas,
                    now: &now,
                };
                family::answer(&mut lock(store).objects, &call)?
            }
            (None, None) => instance::answer(self.schemas, op.response, nulls, op.page.as_ref()),
        };
        if nulls {
            instance::fill_nulls(self.schemas, op.response, &mut json);
        }
        if let Some(paged) = &op.page {
            page(op, paged, &mut json, input.query, input.body, nulls)?;
        }
        Ok(axum::Json(json).into_response())
    }
}

/// What a request gives an operation, once checked.
struct Input<'a> {
    params: &'a Params,
    query: &'a [(String, String)],
    body: &'a Value,
}

/// `TaskAudit.List`: the history of a stored task, oldest first (newest first on request).
const TASK_HISTORY: &str = "c1.api.task.v1.TaskAudit.List";

fn task_history(objects: &Objects, body: &Value) -> Result<Value, ApiError> {
    let id = body
        .get("taskId")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if objects.get(objects::TASK, id).is_none() {
        return Err(ApiError::not_found(format!("Task {id:?} not found")));
    }
    let mut list = objects.history.get(id).cloned().unwrap_or_default();
    if body.get("newestFirst") == Some(&Value::Bool(true)) {
        list.reverse();
    }
    if body.get("commentsOnly") == Some(&Value::Bool(true)) {
        list.retain(|e| e.get("comment").is_some());
    }
    Ok(json!({ "list": list, "nextPageToken": "" }))
}

/// Each query parameter checked against its declared type; unknown ones refused when strict.
fn check_query(op: &Operation, query: &[(String, String)], strict: bool) -> Result<(), ApiError> {
    for (name, text) in query {
        match op.query.iter().find(|f| f.name == name) {
            Some(field) if !validate::query_ok(&field.ty, text) => {
                return Err(ApiError::invalid(format!(
                    "invalid value for query parameter `{name}`: {text:?}"
                )));
            }
            Some(_) => {}
            None if strict => {
                return Err(ApiError::invalid(format!(
                    "unknown query parameter `{name}` (strict mode)"
                )));
            }
            None => {}
        }
    }
    Ok(())
}

/// Cut the items array to the page the request asks for and set `nextPageToken`.
fn page(
    op: &Operation,
    paged: &Page,
    json: &mut Value,
    query: &[(String, String)],
    body: &Value,
    nulls: bool,
) -> Result<(), ApiError> {
    let param = |names: [&str; 2]| match paged.token_in {
        TokenIn::Query => query
            .iter()
            .find(|(k, _)| *k == names[0])
            .map(|(_, v)| Value::String(v.clone())),
        TokenIn::Body => body.get(names[1]).filter(|v| !v.is_null()).cloned(),
    };
    let size = page_size(param(["page_size", "pageSize"]))?;
    let token = param(["page_token", "pageToken"]);
    let token = token
        .as_ref()
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty());
    let start = token.map(|t| decode_token(op, t)).transpose()?.unwrap_or(0);
    let Some(list) = json.get_mut(paged.items).and_then(Value::as_array_mut) else {
        return Ok(());
    };
    let total = list.len();
    let end = start.saturating_add(size).min(total);
    let items: Vec<Value> = list
        .drain(..)
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    *list = items;
    json["nextPageToken"] = if end < total {
        json!(URL_SAFE_NO_PAD.encode(json!({ "op": op.id, "o": end }).to_string()))
    } else if nulls {
        Value::Null
    } else {
        json!("")
    };
    Ok(())
}

/// The page size asked for, clamped as the real service does: 0 or absent is the default,
/// less than the minimum is raised, more than the maximum is lowered.
fn page_size(value: Option<Value>) -> Result<usize, ApiError> {
    let bad = || ApiError::invalid("page size must be an integer");
    let n: i64 = match value {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => n.as_i64().ok_or_else(bad)?,
        Some(Value::String(s)) if s.is_empty() => 0,
        Some(Value::String(s)) => s.parse().map_err(|_| bad())?,
        Some(_) => return Err(bad()),
    };
    match n {
        n if n < 0 => Err(ApiError::invalid("page size must not be negative")),
        0 => Ok(DEFAULT_PAGE_SIZE),
        n => Ok(usize::try_from(n)
            .unwrap_or(MAX_PAGE_SIZE)
            .clamp(MIN_PAGE_SIZE, MAX_PAGE_SIZE)),
    }
}

/// The offset a page token issued for this operation stands for.
fn decode_token(op: &Operation, token: &str) -> Result<usize, ApiError> {
    let bad = || ApiError::invalid("invalid page token");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if v["op"] != op.id {
        return Err(ApiError::invalid("page token of another operation"));
    }
    v["o"]
        .as_u64()
        .and_then(|o| usize::try_from(o).ok())
        .ok_or_else(bad)
}
