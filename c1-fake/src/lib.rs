//! c1-fake: a faithful fake ConductorOne (C1) tenant on loopback, for examples and tests.
//!
//! [`FakeC1::start`] binds an ephemeral port on `127.0.0.1` and serves, until dropped:
//! - `POST /auth/v1/token`: the client-credentials grant, verifying the Ed25519 client
//!   assertion of [`FakeC1::credentials`] exactly like the real tenant; and workload
//!   federation's token exchange (RFC 8693), verifying a workload's OIDC token from the
//!   fake's own issuer ([`FakeC1::oidc_issuer`], [`FakeC1::oidc_token`]) against a
//!   federation trust ([`FakeC1::add_federation_trust`]);
//! - `GET /oidc/.well-known/openid-configuration` and `GET /oidc/jwks`: that issuer's
//!   discovery document and public key;
//! - `/api/*`: bearer-authenticated API routes, answering errors as `google.rpc.Status`
//!   JSON: ConnectorOwnersV2 (stateful), every operation of the generated catalog (one
//!   generic handler: schema checks, scripted answers, the stored objects of 36 resource
//!   families ([`stateful_operations`], [`FakeC1::objects`]) or answers built from the
//!   response schema, pages), and the routes a test hosts ([`FakeC1::route`]);
//! - a coherent default tenant (users, apps, entitlements, tasks that reference each
//!   other; task actions change tasks), [`FakeC1::reset`], [`FakeC1::load_seed`] and
//!   [`FakeC1::state`];
//! - inspection ([`FakeC1::requests`]) and fault injection ([`FakeC1::faults`]);
//! - webhooks ([`FakeC1::webhooks`]): the tenant's rotating signing keys at
//!   `GET /auth/v1/jwks`, deliveries to a receiver, single-use callbacks and inbound
//!   listeners.
//!
//! ```no_run
//! # async fn demo() {
//! let fake = c1_fake::FakeC1::start().await;
//! fake.add_bearer_token("test-token");
//! let url = format!("{}/api/v2/apps/app-1/connectors/conn-1/owners/users/owner/user-1", fake.base_url());
//! # let _ = url;
//! # }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod auth;
mod catalog;
mod family;
mod faults;
mod federation;
mod filters;
mod grants;
mod hosted;
mod inspect;
mod objects;
mod owners;
mod reply;
mod routes;
mod server;
mod state;
mod status;
mod tasks;
mod template;
#[cfg(test)]
mod test_http;
pub mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use auth::{ASSERTIONS_KEPT, Assertion, TestCredentials};
pub use catalog::{Fill, UNKNOWN_ENUM_VALUE, example};
pub use faults::{Fault, Faults};
pub use federation::{
    DEFAULT_OIDC_SUBJECT, JWT_TOKEN_TYPE, MAX_SUBJECT_TOKEN_LIFETIME_SECS,
    OIDC_TOKEN_LIFETIME_SECS, TOKEN_EXCHANGE_GRANT_TYPE,
};
pub use hosted::{Route, RouteRequest};
pub use inspect::{DEFAULT_REQUEST_LOG_CAPACITY, MAX_RECORDED_BODY, REDACTED, RecordedRequest};
pub use reply::Reply;
pub use server::{DEFAULT_READ_TIMEOUT, MAX_BODY, MAX_HEADER_BYTES};
pub use state::{DEFAULT_PAGE_SIZE, DEFAULT_SEED, MAX_PAGE_SIZE, MIN_PAGE_SIZE};

/// The operations the fake answers from its stored objects, as `(operation id, family)`:
/// the family is named by its object's schema (`c1.api.app.v1.App`), the name
/// [`FakeC1::objects`] takes. The others answer from their response schema (or, for
/// ConnectorOwnersV2, from the owners' own state).
pub fn stateful_operations() -> impl Iterator<Item = (&'static str, &'static str)> {
    catalog::OPERATIONS
        .iter()
        .filter_map(|op| Some((op.id, op.role.as_ref()?.entity)))
        .chain([
            ("c1.api.task.v1.TaskAudit.List", objects::TASK),
            (grants::SEARCH, grants::FAMILY),
        ])
}

/// The default lifetime of issued access tokens (`expires_in` = 600).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(600);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// State shared by the handle and the server tasks.
pub(crate) struct Shared {
    auth: Mutex<auth::AuthState>,
    store: Mutex<state::Store>,
    /// The seed the store was built from, for [`FakeC1::reset`].
    seed: Mutex<serde_json::Value>,
    /// Nulls mode as the builder set it (a seed may also turn it on).
    nulls: bool,
    requests: Mutex<inspect::RequestLog>,
    pub(crate) token_requests: AtomicUsize,
    pub(crate) secret_leaks: AtomicUsize,
    pub(crate) api_faults: Faults,
    pub(crate) token_faults: Faults,
    pub(crate) routes: hosted::Routes,
    pub(crate) catalog: catalog::Catalog,
    request_log_capacity: usize,
    /// How long a request's head, and then its body, may take to arrive.
    pub(crate) read_timeout: Duration,
    pub(crate) webhooks: webhooks::State,
}

impl Shared {
    pub(crate) fn auth(&self) -> MutexGuard<'_, auth::AuthState> {
        lock(&self.auth)
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, state::Store> {
        lock(&self.store)
    }

    pub(crate) fn push_request(&self, record: RecordedRequest) -> u64 {
        lock(&self.requests).push(record)
    }

    /// The record of request `seq`, if still held.
    pub(crate) fn recorded(&self, seq: u64) -> Option<RecordedRequest> {
        lock(&self.requests).get_mut(seq).map(|r| r.clone())
    }

    pub(crate) fn set_status(&self, seq: u64, status: u16) {
        if let Some(r) = lock(&self.requests).get_mut(seq) {
            r.status = Some(status);
        }
    }

    /// Strings whose presence in a raw request means the client secret leaked.
    pub(crate) fn secret_needles(&self) -> Vec<String> {
        let auth = self.auth();
        let secret = auth.client.credentials.client_secret.clone();
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        let jwk = secret.trim_start_matches(auth::SECRET_PREFIX).to_owned();
        vec![secret, encoded, jwk, auth.client.private_b64.clone()]
    }
}

/// A running fake C1 tenant; the server shuts down gracefully when this is dropped.
pub struct FakeC1 {
    shared: Arc<Shared>,
    addr: SocketAddr,
    credentials: TestCredentials,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeC1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeC1")
            .field("addr", &self.addr)
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// Configures a [`FakeC1`] before starting it.
#[derive(Debug, Clone)]
pub struct FakeC1Builder {
    token_lifetime: Duration,
    port: u16,
    seed: SeedSource,
    request_log_capacity: usize,
    nulls: bool,
    strict: bool,
    read_timeout: Duration,
    operations: &'static [catalog::Operation],
    schemas: &'static [catalog::Schema],
}

/// Where the initial tenant data comes from.
#[derive(Debug, Clone)]
enum SeedSource {
    Default,
    Value(serde_json::Value),
    File(PathBuf),
}

impl Default for FakeC1Builder {
    fn default() -> Self {
        FakeC1Builder {
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            port: 0,
            seed: SeedSource::Default,
            request_log_capacity: DEFAULT_REQUEST_LOG_CAPACITY,
            nulls: false,
            strict: false,
            read_timeout: DEFAULT_READ_TIMEOUT,
            operations: catalog::OPERATIONS,
            schemas: catalog::SCHEMAS,
        }
    }
}

impl FakeC1Builder {
    /// Lifetime of issued access tokens (tokio clock); also the `expires_in` answered, in whole seconds.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Listen on this port of `127.0.0.1` instead of an ephemeral one (0 means ephemeral).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Keep at most this many requests for [`FakeC1::requests`] (default
    /// [`DEFAULT_REQUEST_LOG_CAPACITY`]); older ones are forgotten, so a long-running fake
    /// stays bounded. Counters such as [`FakeC1::token_requests`] count every request.
    pub fn request_log_capacity(mut self, capacity: usize) -> Self {
        self.request_log_capacity = capacity;
        self
    }

    /// Nulls mode: answer `null` for every field the fake leaves unset (a seed user's missing
    /// fields, the last page's `nextPageToken`), as the real service does for many fields.
    /// Off by default; a seed can turn it on with `"nulls": true`.
    pub fn nulls(mut self, nulls: bool) -> Self {
        self.nulls = nulls;
        self
    }

    /// Strict mode for the generic operations: a request body field or query parameter the
    /// operation's schema does not have is answered 400 naming it (catches a wrong wire name).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// How long a client may take to send a request's head, and then its
    /// body (default [`DEFAULT_READ_TIMEOUT`]). A connection whose head is
    /// late is closed; a late body is answered 408 and the connection closed.
    /// So a client that opens connections and sends half a request cannot
    /// hold them open.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Serve this catalog instead of the generated one (unit tests of the generic handlers).
    #[cfg(test)]
    pub(crate) fn catalog(
        mut self,
        operations: &'static [catalog::Operation],
        schemas: &'static [catalog::Schema],
    ) -> Self {
        self.operations = operations;
        self.schemas = schemas;
        self
    }

    /// Replace the default seed ([`DEFAULT_SEED`]) with this document: `{"users": [User..],
    /// "apps": [App..], "appEntitlements": [AppEntitlement..], "tasks": [Task..],
    /// "objects": {"<family's schema name>": [object..]}, "connectors": [{"appId", "connectorId"}..],
    /// "userOwners": [{"appId", "connectorId", "roleSlug", "userId", "createdAt"?}..],
    /// "entitlementOwners": [{"appId", "connectorId", "roleSlug", "appEntitlementAppId",
    /// "appEntitlementId", "createdAt"?}..]}` (every key optional).
    pub fn seed(mut self, seed: serde_json::Value) -> Self {
        self.seed = SeedSource::Value(seed);
        self
    }

    /// Replace the default seed with the JSON document in this file (read at start).
    pub fn seed_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.seed = SeedSource::File(path.into());
        self
    }

    /// Start the fake on the current tokio runtime.
    ///
    /// # Panics
    /// If binding the port fails or the seed is invalid; use [`FakeC1Builder::try_start`] to handle that.
    pub async fn start(self) -> FakeC1 {
        match self.try_start().await {
            Ok(fake) => fake,
            Err(e) => panic!("c1-fake failed to start: {e}"),
        }
    }

    /// Start the fake on the current tokio runtime, reporting bind and seed errors.
    pub async fn try_start(self) -> std::io::Result<FakeC1> {
        let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        let seed = match self.seed {
            SeedSource::Default => {
                serde_json::from_str(DEFAULT_SEED).map_err(|e| invalid(e.to_string()))?
            }
            SeedSource::Value(v) => v,
            SeedSource::File(path) => {
                let text = std::fs::read_to_string(&path)?;
                serde_json::from_str(&text)
                    .map_err(|e| invalid(format!("{}: {e}", path.display())))?
            }
        };
        let mut store = state::Store::from_seed(seed.clone()).map_err(invalid)?;
        store.nulls |= self.nulls;
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await?;
        let addr = listener.local_addr()?;
        let issuer = format!("http://{addr}{}", federation::ISSUER_PATH);
        let auth = auth::AuthState::new(self.token_lifetime, issuer);
        let credentials = auth.client.credentials.clone();
        let shared = Arc::new(Shared {
            auth: Mutex::new(auth),
            store: Mutex::new(store),
            seed: Mutex::new(seed),
            nulls: self.nulls,
            requests: Mutex::new(inspect::RequestLog::new(self.request_log_capacity)),
            token_requests: AtomicUsize::new(0),
            secret_leaks: AtomicUsize::new(0),
            api_faults: Faults::default(),
            token_faults: Faults::default(),
            routes: hosted::Routes::default(),
            catalog: catalog::Catalog::new(
                self.operations,
                self.schemas,
                self.request_log_capacity,
                self.strict,
            ),
            request_log_capacity: self.request_log_capacity,
            read_timeout: self.read_timeout,
            webhooks: webhooks::State::new(format!("http://{addr}"), self.request_log_capacity),
        });
        let router = routes::router(shared.clone());
        let (shutdown, rx) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, shared.clone(), router, rx));
        Ok(FakeC1 {
            shared,
            addr,
            credentials,
            shutdown,
            task: Some(task),
        })
    }
}

impl FakeC1 {
    /// Start a fake with the default seed on an ephemeral port of `127.0.0.1`.
    pub async fn start() -> FakeC1 {
        FakeC1::builder().start().await
    }

    /// A builder to configure the fake before starting it.
    pub fn builder() -> FakeC1Builder {
        FakeC1Builder::default()
    }

    /// The base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The client credentials this fake accepts on `/auth/v1/token` (fresh per fake).
    pub fn credentials(&self) -> &TestCredentials {
        &self.credentials
    }

    /// Accept `token` as a static `Authorization: Bearer <token>` on every API route (never expires).
    pub fn add_bearer_token(&self, token: &str) {
        self.shared.auth().add_static(token);
    }

    /// Expire every token issued so far: they answer 401 from now on (static tokens stay valid).
    pub fn expire_tokens(&self) {
        self.shared.auth().expire_all();
    }

    /// Add (or replace) a directory user (a User JSON object with a non-empty `id`).
    ///
    /// # Panics
    /// If `user` has no non-empty string `id`.
    pub fn add_user(&self, user: serde_json::Value) {
        if let Err(e) = self.shared.store().add_user(user) {
            panic!("c1-fake: {e}");
        }
    }

    /// Add (or replace) an app entitlement (an AppEntitlement JSON object with `appId` and `id`).
    ///
    /// # Panics
    /// If `entitlement` lacks a non-empty `appId` or `id`.
    pub fn add_app_entitlement(&self, entitlement: serde_json::Value) {
        if let Err(e) = self.shared.store().add_entitlement(entitlement) {
            panic!("c1-fake: {e}");
        }
    }

    /// Put the tenant back to the seed it started from (or last loaded with
    /// [`FakeC1::load_seed`]): every create, update, delete and task action is undone.
    /// Tokens, scripted answers, faults and the request log are kept.
    pub fn reset(&self) {
        let seed = lock(&self.shared.seed).clone();
        // The seed was accepted before, so it builds again.
        if let Ok(store) = state::Store::from_seed(seed) {
            self.install(store);
        }
    }

    /// Replace the tenant's data with this seed document (the shape of
    /// [`FakeC1Builder::seed`], or of [`FakeC1::state`]); [`FakeC1::reset`] returns to it.
    /// An invalid seed is an `InvalidData` error and changes nothing.
    pub fn load_seed(&self, seed: serde_json::Value) -> std::io::Result<()> {
        let store = state::Store::from_seed(seed.clone())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        *lock(&self.shared.seed) = seed;
        self.install(store);
        Ok(())
    }

    fn install(&self, mut store: state::Store) {
        store.nulls |= self.shared.nulls;
        *self.shared.store() = store;
    }

    /// The tenant's data now, as a seed document: `{"objects": {"<family>": [..]},
    /// "connectors": [..], "userOwners": [..], "entitlementOwners": [..]}`. Load it with
    /// [`FakeC1::load_seed`] or [`FakeC1Builder::seed`] to start another fake from here.
    pub fn state(&self) -> serde_json::Value {
        self.shared.store().to_seed()
    }

    /// The stored objects of a resource family, oldest first; the family is named by its
    /// object's schema, e.g. `c1.api.app.v1.App` or `c1.api.task.v1.Task` (see the
    /// README's table of stateful operations). Empty for a family with no objects.
    pub fn objects(&self, family: &str) -> Vec<serde_json::Value> {
        self.shared.store().objects.all(family).to_vec()
    }

    /// The grants (who holds which entitlement), oldest first: `{appId, appEntitlementId,
    /// appUserId, userId, createdAt, originatingTicketId?}` each. Approving a grant task
    /// adds one; approving a revocation removes it.
    pub fn grants(&self) -> Vec<serde_json::Value> {
        self.shared.store().objects.grants.clone()
    }

    /// One stored object of a resource family, by id.
    pub fn object(&self, family: &str, id: &str) -> Option<serde_json::Value> {
        self.shared.store().objects.get(family, id).cloned()
    }

    /// Register a connector so its owners can be managed (unknown connectors answer 404).
    pub fn add_connector(&self, app_id: &str, connector_id: &str) {
        self.shared.store().add_connector(app_id, connector_id);
    }

    /// The ids of the users owning `role` (every role if `None`) on a connector, in list order.
    pub fn user_owner_ids(
        &self,
        app_id: &str,
        connector_id: &str,
        role: Option<&str>,
    ) -> Vec<String> {
        self.shared
            .store()
            .user_owner_ids(app_id, connector_id, role)
    }

    /// The `(appId, id)` of the entitlements owning `role` (every role if `None`) on a connector, in list order.
    pub fn entitlement_owner_ids(
        &self,
        app_id: &str,
        connector_id: &str,
        role: Option<&str>,
    ) -> Vec<(String, String)> {
        self.shared
            .store()
            .entitlement_owner_ids(app_id, connector_id, role)
    }

    /// The requests received so far (the last [`FakeC1Builder::request_log_capacity`] of them),
    /// in order, secrets redacted (including `/auth/v1/token`).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).to_vec()
    }

    /// Forget the recorded requests (counters such as [`FakeC1::token_requests`] are kept).
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// The header and claims of the last [`ASSERTIONS_KEPT`] client assertions the token
    /// endpoint accepted, oldest first (signatures left out).
    pub fn assertions(&self) -> Vec<Assertion> {
        self.shared.auth().accepted.iter().cloned().collect()
    }

    /// How many `POST /auth/v1/token` requests were received (every grant, answered or not).
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::SeqCst)
    }

    /// The fake's OIDC issuer URL (`<base_url>/oidc`); its discovery document is at
    /// `<issuer>/.well-known/openid-configuration` and its JWKS at `<issuer>/jwks`.
    pub fn oidc_issuer(&self) -> String {
        self.shared.auth().issuer.url().to_owned()
    }

    /// A workload OIDC token (a compact JWT signed by the fake's issuer key) with default
    /// claims — `iss` = [`FakeC1::oidc_issuer`], `aud` = the tenant host the fake accepts
    /// (`"127.0.0.1"`), `sub` [`DEFAULT_OIDC_SUBJECT`], `iat` = now, `nbf` = now, `exp` =
    /// now plus [`OIDC_TOKEN_LIFETIME_SECS`] (300 s), `jti` random — each overridden or
    /// extended by the keys of `claims` (a JSON object; a key set to `null` removes that
    /// claim). Times are wall-clock Unix seconds, as a platform signs them.
    ///
    /// Its header is `{"alg": "EdDSA", "typ": "JWT", "kid": <the JWKS key's kid>}`.
    ///
    /// # Panics
    /// If `claims` is neither a JSON object nor `null` (no overrides).
    pub fn oidc_token(&self, claims: serde_json::Value) -> String {
        let overrides = match claims {
            serde_json::Value::Object(map) => map,
            serde_json::Value::Null => serde_json::Map::new(),
            other => panic!("c1-fake: oidc_token claims must be a JSON object, not {other}"),
        };
        self.shared
            .auth()
            .issuer
            .token(&overrides, auth::unix_now())
    }

    /// Registers a federation trust and returns its client ID, `<name>@127.0.0.1/wfe`: an
    /// exchange with that client ID succeeds when the subject token is valid (see the
    /// README's "Workload federation") and each key of `required` (a JSON object) equals the
    /// token's claim of that name (as JSON values, so a string matches only that string,
    /// like the documented CEL examples `claims.repository == "acme/app"`). `{}` (or `null`)
    /// requires nothing beyond a valid token.
    ///
    /// # Panics
    /// If `required` is neither a JSON object nor `null`.
    pub fn add_federation_trust(&self, required: serde_json::Value) -> String {
        let required = match required {
            serde_json::Value::Object(map) => map,
            serde_json::Value::Null => serde_json::Map::new(),
            other => panic!("c1-fake: federation trust claims must be a JSON object, not {other}"),
        };
        self.shared.auth().trusts.add(required)
    }

    /// How many token exchanges (grant type token-exchange) were answered 200.
    pub fn token_exchanges(&self) -> usize {
        self.shared.auth().exchanges
    }

    /// How many requests carried the client secret (or its private key) anywhere: path, query,
    /// headers or body. A correct client keeps this at 0.
    pub fn secret_leaks(&self) -> usize {
        self.shared.secret_leaks.load(Ordering::SeqCst)
    }

    /// Host a route of your own: `method` and a template in the DSL's syntax
    /// (`/api/v1/widgets/<widget_id>`; `{widget_id}` works too). It answers `200 {}` until
    /// configured ([`Route::json`], [`Route::reply`], [`Route::handler`]) and records what it
    /// receives ([`Route::requests`], [`Route::hits`]). Hosted routes take precedence over the
    /// fake's own; the most specific template wins; under `/api/` a bearer token is required.
    /// Registering the same method and template again replaces the route.
    ///
    /// # Panics
    /// If `template` does not start with `/` or has an unnamed placeholder.
    pub fn route(&self, method: &str, template: &str) -> Route {
        match self
            .shared
            .routes
            .add(method, template, self.shared.request_log_capacity)
        {
            Ok(route) => route,
            Err(e) => panic!("c1-fake: {e}"),
        }
    }

    /// The ids (the spec's `operationId`) of every operation the fake serves generically.
    pub fn operation_ids(&self) -> Vec<&'static str> {
        self.shared.catalog.ids()
    }

    /// Answer operation `id` with this JSON (a fixture) from now on; a list is served in
    /// pages of its `list` items. In nulls mode its unset fields are answered `null`.
    ///
    /// # Panics
    /// If the fake has no operation `id` (the spec's `operationId`, e.g.
    /// `c1.api.app.v1.Apps.Get`); the message names the closest ids.
    pub fn operation_json(&self, id: &str, json: serde_json::Value) {
        if let Err(e) = self.shared.catalog.script(id, Some(json), None) {
            panic!("c1-fake: {e}");
        }
    }

    /// Answer operation `id` with this reply (status, headers, body) from now on.
    ///
    /// # Panics
    /// If the fake has no operation `id`; the message names the closest ids.
    pub fn operation_reply(&self, id: &str, reply: Reply) {
        if let Err(e) = self.shared.catalog.script(id, None, Some(reply)) {
            panic!("c1-fake: {e}");
        }
    }

    /// The requests the generic handler of operation `id` received, in order (among the last
    /// [`FakeC1Builder::request_log_capacity`] requests of all generic operations). ConnectorOwnersV2's stateful routes and
    /// hosted routes record elsewhere ([`FakeC1::requests`], [`Route::requests`]).
    pub fn operation_requests(&self, id: &str) -> Vec<RouteRequest> {
        self.shared.catalog.requests(id)
    }

    /// Turn strict mode on or off (see [`FakeC1Builder::strict`]).
    pub fn set_strict(&self, strict: bool) {
        self.shared.catalog.set_strict(strict);
    }

    /// Faults injected into `/api/*` requests (applied before authentication).
    pub fn faults(&self) -> &Faults {
        &self.shared.api_faults
    }

    /// Faults injected into `/auth/v1/token` requests (separate from [`FakeC1::faults`]).
    pub fn token_faults(&self) -> &Faults {
        &self.shared.token_faults
    }

    /// Delay every `/api/*` answer by `latency`; shorthand for `faults().latency(..)`.
    pub fn latency(&self, latency: Duration) {
        self.faults().latency(latency);
    }

    /// Answer the next `/api/*` requests with these statuses, then normally; shorthand for `faults().fail_next(..)`.
    pub fn fail_next(&self, statuses: &[u16]) {
        self.faults().fail_next(statuses);
    }

    /// Answer the next `n` `/api/*` requests with 429 and `Retry-After`; shorthand for `faults().rate_limit_next(..)`.
    pub fn rate_limit_next(&self, n: usize, retry_after_secs: u64) {
        self.faults().rate_limit_next(n, retry_after_secs);
    }

    /// Close the connections of the next `n` `/api/*` requests without answering.
    pub fn drop_next_connections(&self, n: usize) {
        self.faults().drop_next_connections(n);
    }

    /// The tenant's webhooks: its signing keys and JWKS, deliveries to a receiver,
    /// callbacks and inbound listeners (see [`webhooks::Webhooks`]).
    pub fn webhooks(&self) -> webhooks::Webhooks {
        webhooks::Webhooks::new(self.shared.clone())
    }

    /// Stop the server and wait for its accept loop to end (dropping does the same without waiting).
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeC1 {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
