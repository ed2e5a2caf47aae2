//! Routes a test hosts on the fake: its own endpoints, answered by JSON, a scripted reply or
//! a handler, each recording the requests it received.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::faults::Faults;
use crate::inspect::{Log, RecordedRequest};
use crate::lock;
use crate::reply::Reply;
use crate::template::{Params, Template, best_match};

/// One request a hosted route received: the record and the path's decoded parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRequest {
    /// The request as recorded (secrets redacted, body cut like [`crate::FakeC1::requests`]).
    pub request: RecordedRequest,
    /// The placeholders of the route's template and their percent-decoded values, in order.
    pub params: Vec<(String, String)>,
}

impl RouteRequest {
    /// The decoded value of placeholder `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

type Handler = Arc<dyn Fn(&RouteRequest) -> Reply + Send + Sync>;

/// How a route answers when no scripted fault is waiting.
#[derive(Clone)]
enum Answer {
    Reply(Reply),
    Handler(Handler),
}

/// A route hosted by [`crate::FakeC1::route`]: a cheap handle to configure and inspect it.
///
/// It answers `200 {}` until told otherwise; [`Route::faults`] script one-off answers (a
/// status, a [`crate::Fault::Reply`], a dropped connection) that apply to this route only.
/// Under `/api/` it needs a valid bearer token, like every API route.
#[derive(Clone)]
pub struct Route {
    inner: Arc<RouteInner>,
}

struct RouteInner {
    method: String,
    template: Template,
    answer: Mutex<Answer>,
    faults: Faults,
    hits: AtomicUsize,
    requests: Mutex<Log<RouteRequest>>,
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("method", &self.inner.method)
            .field("template", &self.inner.template.as_str())
            .field("hits", &self.hits())
            .finish()
    }
}

impl Route {
    /// Answer every request `200` with this JSON document.
    pub fn json(&self, value: Value) -> &Self {
        self.reply(Reply::json(&value))
    }

    /// Answer every request with this scripted reply (status, headers, body).
    pub fn reply(&self, reply: Reply) -> &Self {
        *lock(&self.inner.answer) = Answer::Reply(reply);
        self
    }

    /// Answer every request with what `handler` returns for it.
    pub fn handler(
        &self,
        handler: impl Fn(&RouteRequest) -> Reply + Send + Sync + 'static,
    ) -> &Self {
        *lock(&self.inner.answer) = Answer::Handler(Arc::new(handler));
        self
    }

    /// Faults and one-off replies for this route only, consumed one per request, before its answer.
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// The requests this route received (the last [`crate::FakeC1Builder::request_log_capacity`]), in order.
    pub fn requests(&self) -> Vec<RouteRequest> {
        lock(&self.inner.requests).to_vec()
    }

    /// How many requests this route received (all of them, not only those still recorded).
    pub fn hits(&self) -> usize {
        self.inner.hits.load(Ordering::SeqCst)
    }

    /// Record a request; return the scripted fault's answer or the route's.
    pub(crate) async fn answer(
        &self,
        request: RouteRequest,
    ) -> Result<axum::http::Response<axum::body::Body>, crate::server::DropConnection> {
        self.inner.hits.fetch_add(1, Ordering::SeqCst);
        lock(&self.inner.requests).push(request.clone());
        if let Some(fault) = self.inner.faults.apply().await {
            return fault;
        }
        let answer = lock(&self.inner.answer).clone();
        Ok(match answer {
            Answer::Reply(reply) => reply,
            Answer::Handler(handler) => handler(&request),
        }
        .into_response())
    }
}

/// Every hosted route, in registration order.
#[derive(Default)]
pub(crate) struct Routes {
    routes: Mutex<Vec<Route>>,
}

impl Routes {
    /// Host a new route (a later route with the same method and template replaces the earlier).
    pub(crate) fn add(
        &self,
        method: &str,
        template: &str,
        capacity: usize,
    ) -> Result<Route, String> {
        let template = Template::parse(template)?;
        let route = Route {
            inner: Arc::new(RouteInner {
                method: method.to_ascii_uppercase(),
                template,
                answer: Mutex::new(Answer::Reply(Reply::json(&Value::Object(
                    Default::default(),
                )))),
                faults: Faults::default(),
                hits: AtomicUsize::new(0),
                requests: Mutex::new(Log::new(capacity)),
            }),
        };
        let mut routes = lock(&self.routes);
        routes.retain(|r| {
            r.inner.method != route.inner.method || r.inner.template != route.inner.template
        });
        routes.push(route.clone());
        Ok(route)
    }

    /// The most specific route for this method and raw path, with the path's parameters.
    pub(crate) fn find(&self, method: &str, raw_path: &str) -> Option<(Route, Params)> {
        let routes = lock(&self.routes);
        let same_method = routes
            .iter()
            .filter(|r| r.inner.method == method)
            .map(|r| (&r.inner.template, r));
        best_match(same_method, raw_path).map(|(r, p)| (r.clone(), p))
    }

    /// Whether some route has this path (with another method): the answer is then 405, not 404.
    pub(crate) fn knows_path(&self, raw_path: &str) -> bool {
        lock(&self.routes)
            .iter()
            .any(|r| r.inner.template.matches(raw_path).is_some())
    }
}
