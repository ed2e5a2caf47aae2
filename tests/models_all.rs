//! Every request and response model of the API against the examples c1-fake
//! builds from its catalog (`c1_fake::example`, from the same description of
//! the spec as the models: nothing reads the spec a second time): the
//! plausible answer, the instance holding every field of every schema it
//! reaches and the one with every enum value unknown decode and encode back
//! to equal JSON, and the all-`null` instance decodes as all absent (`{}`).
//! And every model decoded by a real client on a 1 MiB stack from its deepest
//! bodies (`tests/fixtures/api/nesting.rs`, written by c1-codegen): `Ok` or a
//! decode error, never an overflowed stack.

#![cfg(feature = "full")]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use c1::__private::{Endpoint, Method, Request};
use c1::{Client, ErrorKind};
use c1_fake::Fill;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use support::{Server, respond};

type RoundTrip = fn(&Value) -> Result<Value, String>;

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&decoded).map_err(|e| e.to_string())
}

macro_rules! models {
    ($($t:ident,)+) => {
        /// Every model, by type name.
        const MODELS: &[(&str, RoundTrip)] = &[$((stringify!($t), round_trip::<c1::models::$t>),)+];
    };
}
include!("fixtures/api/models.rs");

/// Type name -> schema name, for every schema (`tests/fixtures/api/schemas.tsv`,
/// written by c1-codegen).
fn schema_names() -> BTreeMap<&'static str, &'static str> {
    let mut names = BTreeMap::new();
    for line in include_str!("fixtures/api/schemas.tsv").lines() {
        if line.starts_with('#') {
            continue;
        }
        let (schema, ty) = line.split_once('\t').expect("schema <tab> type");
        assert!(names.insert(ty, schema).is_none(), "{ty} names two schemas");
    }
    names
}

/// Every model: its type name, its schema's examples and its round trip.
fn examples() -> Vec<(&'static str, [Value; 4], RoundTrip)> {
    let names = schema_names();
    MODELS
        .iter()
        .map(|&(name, trip)| {
            let schema = names[name];
            let example = |fill| {
                c1_fake::example(schema, fill)
                    .unwrap_or_else(|| panic!("{name}: no example of {schema}"))
            };
            let fills = [
                Fill::Plausible,
                Fill::Nulls,
                Fill::EveryField,
                Fill::UnknownEnums,
            ];
            (name, fills.map(example), trip)
        })
        .collect()
}

#[test]
fn every_model_has_a_schema_and_examples() {
    let names = schema_names();
    assert_eq!(names.len(), 1955);
    let missing: Vec<&str> = MODELS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !names.contains_key(n))
        .collect();
    assert_eq!(missing, Vec::<&str>::new());
    assert!(MODELS.len() > 1000, "{} models", MODELS.len());
    assert!(c1_fake::example("c1.api.user.v1.NoSuchSchema", Fill::Plausible).is_none());
}

#[test]
fn every_instance_round_trips() {
    let mut failures = Vec::new();
    let (mut unknown, mut checked) = (0, 0);
    for (name, [plausible, nulls, every, unknowns], trip) in examples() {
        let mut check = |kind: &str, input: &Value, expected: &Value| {
            checked += 1;
            match trip(input) {
                Ok(out) if &out == expected => {}
                Ok(out) => failures.push(format!("{name} {kind}: encodes as {out}")),
                Err(e) => failures.push(format!("{name} {kind}: {e}")),
            }
        };
        assert!(plausible.is_object(), "{name}: no plausible instance");
        check("plausible", &plausible, &plausible);
        check("nulls", &nulls, &json!({}));
        check("every field", &every, &every);
        if unknowns != every {
            unknown += 1;
            check("unknown enums", &unknowns, &unknowns);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(unknown > 100, "only {unknown} models hold an enum");
}

#[test]
fn an_unknown_enum_value_is_kept() {
    let text = r#"{"userView": {"user": {"status": "STATUS_FROM_THE_FUTURE", "type": "USER_TYPE_HUMAN"}}}"#;
    let decoded: c1::models::UserServiceGetResponse = serde_json::from_str(text).unwrap();
    let user = decoded
        .user_view
        .as_ref()
        .and_then(|v| v.user.as_ref())
        .unwrap();
    assert_eq!(
        user.status,
        Some(c1::models::UserStatus::Other(
            "STATUS_FROM_THE_FUTURE".into()
        ))
    );
    assert_eq!(user.r#type, Some(c1::models::UserType::Human));
}

/// The stack of the threads that decode below: tokio's default for a
/// worker is 2 MiB; half of it must do, in a debug build.
const STACK: usize = 1 << 20;

/// What the error of a body nested past `MAX_NESTING` says.
const TOO_DEEP: &str = "the response body does not decode: nesting limit exceeded";

/// Any answer, at `/deep`, decoded as the model under test.
static DEEP: Endpoint = Endpoint::new(Method::Get, "/deep");

type Decoded<'a> = Pin<Box<dyn Future<Output = c1::Result<()>> + 'a>>;
type Decode = for<'a> fn(&'a Client) -> Decoded<'a>;

/// `GET /deep`, the answer decoded into `T` as any call of the API decodes it.
fn decode<T: DeserializeOwned + 'static>(client: &Client) -> Decoded<'_> {
    let mut request = Request::new(c1::__private::client(client), &DEEP);
    request.path_literal("/deep");
    Box::pin(async move { request.send::<T>().await.map(drop) })
}

/// A deep body for one model (see `tests/fixtures/api/nesting.rs`).
struct Witness {
    model: &'static str,
    decode: Decode,
    guards: u32,
    head: &'static str,
    unit_guards: u32,
    unit: &'static str,
    middle: &'static str,
}

impl Witness {
    /// The body with the cycle `n` times, `inner` in place of the last `{}`.
    fn body(&self, n: u32, inner: &str) -> String {
        let open = format!("{}{}", self.head, self.unit.repeat(n as usize));
        let at = self.middle.rfind("{}").expect("the middle ends in {}");
        let middle = format!("{}{inner}{}", &self.middle[..at], &self.middle[at + 2..]);
        format!("{open}{middle}{}", close(&open))
    }

    /// The levels of nesting with the cycle `n` times.
    fn levels(&self, n: u32) -> u32 {
        self.guards + self.unit_guards * n
    }
}

macro_rules! nesting {
    ($($t:ident $guards:literal $head:literal $unit_guards:literal $unit:literal $middle:literal;)*) => {
        /// Every deep body of every model.
        const WITNESSES: &[Witness] = &[$(Witness {
            model: stringify!($t),
            decode: decode::<c1::models::$t>,
            guards: $guards,
            head: $head,
            unit_guards: $unit_guards,
            unit: $unit,
            middle: $middle,
        },)*];
    };
}
include!("fixtures/api/nesting.rs");

/// The brackets that close the JSON that `open` opens, innermost first.
fn close(open: &str) -> String {
    let (mut stack, mut in_string, mut escaped) = (Vec::new(), false, false);
    for c in open.chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') | (false, _, '"') => in_string = !in_string,
            (false, _, '{') => stack.push('}'),
            (false, _, '[') => stack.push(']'),
            _ => {}
        }
    }
    stack.iter().rev().collect()
}

/// How deeply `body` nests JSON containers.
fn json_depth(body: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0);
    for c in close_order(body) {
        match c {
            '{' | '[' => {
                depth += 1;
                max = max.max(depth);
            }
            _ => depth -= 1,
        }
    }
    max
}

/// The brackets of `body` outside strings, in order.
fn close_order(body: &str) -> Vec<char> {
    let (mut out, mut in_string, mut escaped) = (Vec::new(), false, false);
    for c in body.chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') | (false, _, '"') => in_string = !in_string,
            (false, _, '{' | '[' | '}' | ']') => out.push(c),
            _ => {}
        }
    }
    out
}

/// Runs `check` with a client whose answers are the bodies it sets, on a
/// current-thread runtime on a thread of `STACK` bytes: the decoding runs on
/// that thread.
fn on_a_small_stack<F>(check: F)
where
    F: FnOnce(&tokio::runtime::Runtime, &dyn Fn(String), &Client) + Send + 'static,
{
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let answer: Arc<Mutex<String>> = Arc::default();
            let served = answer.clone();
            let server = runtime.block_on(Server::start(move |_, _, mut stream| {
                let body = served.lock().unwrap().clone();
                async move { respond(&mut stream, 200, &[], body.as_bytes()).await }
            }));
            let client = server.client();
            let set = move |body: String| *answer.lock().unwrap() = body;
            check(&runtime, &set, &client);
        })
        .unwrap()
        .join()
        .expect("the decoding thread");
}

/// What a decode gave: `Ok`, or the message of a decode error.
fn outcome(result: c1::Result<()>) -> Result<(), String> {
    result.map_err(|e| {
        assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
        e.to_string()
    })
}

/// The issue's answer: `TaskSearchResponse` with `FieldRules` nested through
/// `repeated.items` `levels` times (38 aborted a debug build; 59 a release
/// build on a 1 MiB stack).
fn task_search(levels: usize) -> String {
    format!(
        r#"{{"list":[{{"task":{{"form":{{"fields":[{{"stringSliceField":{{"rules":{{"items":{}{{}}{}}}}}}}]}}}}}}]}}"#,
        r#"{"repeated":{"items":"#.repeat(levels),
        "}}".repeat(levels)
    )
}

#[test]
fn a_deep_task_search_answer_is_a_decode_error() {
    on_a_small_stack(|runtime, set, client| {
        use c1::prelude::*;
        let search = || {
            let request = c1::models::TaskSearchRequest::default();
            runtime.block_on(client.task_search().search(&request))
        };
        // Real data: a few levels.
        set(task_search(3));
        let page = search().expect("3 levels decode");
        let body: Value = serde_json::from_str(&task_search(3)).unwrap();
        assert_eq!(serde_json::to_value(&page).unwrap(), body);
        // The deepest JSON serde_json reads, and deeper.
        let deepest = (0..200)
            .rev()
            .find(|&n| json_depth(&task_search(n)) <= 128)
            .unwrap();
        for levels in [38, 59, deepest, deepest + 1, 200] {
            set(task_search(levels));
            let err = outcome(search().map(drop)).expect_err("too deep");
            if json_depth(&task_search(levels)) <= 128 {
                assert!(err.contains(TOO_DEEP), "{levels}: {err}");
                assert!(err.contains("more than 32 levels"), "{levels}: {err}");
            }
        }
    });
}

#[test]
fn every_model_decodes_its_deepest_bodies_on_a_small_stack() {
    on_a_small_stack(|runtime, set, client| {
        let limit = c1::models::MAX_NESTING;
        let (mut models, mut cycles) = (BTreeSet::new(), 0);
        for w in WITNESSES {
            models.insert(w.model);
            let run = |body: String| {
                set(body);
                outcome(runtime.block_on((w.decode)(client)))
            };
            let at = |what: &str| format!("{} {}{}: {what}", w.model, w.head, w.unit);
            if w.unit_guards == 0 {
                // The longest chain of types: decodes, and fails at its bottom.
                assert_eq!(run(w.body(0, "{}")), Ok(()), "{}", at("the chain"));
                let err = run(w.body(0, "5")).expect_err("5 for an object");
                assert!(err.contains("invalid type: integer"), "{}: {err}", at("5"));
                continue;
            }
            cycles += 1;
            assert!(w.guards <= limit, "{}", at("the way in and out"));
            // The deepest body that decodes, the same failing at its bottom,
            // one turn more, and the deepest JSON serde_json reads.
            let n = (limit - w.guards) / w.unit_guards;
            assert!(w.levels(n) <= limit && w.levels(n + 1) > limit);
            assert_eq!(run(w.body(n, "{}")), Ok(()), "{}", at("at the limit"));
            let err = run(w.body(n, "5")).expect_err("5 for an object");
            assert!(err.contains("invalid type: integer"), "{}: {err}", at("5"));
            let err = run(w.body(n + 1, "{}")).expect_err("past the limit");
            assert!(err.contains(TOO_DEEP), "{}: {err}", at("past the limit"));
            let deepest = (n..n + 200)
                .take_while(|&m| json_depth(&w.body(m, "{}")) <= 128)
                .last()
                .unwrap();
            let err = run(w.body(deepest, "{}")).expect_err("past the limit");
            assert!(err.contains(TOO_DEEP), "{}: {err}", at("128 JSON levels"));
        }
        let all: BTreeSet<&str> = MODELS.iter().map(|(n, _)| *n).collect();
        assert_eq!(models, all, "a body for every model");
        assert!(cycles > 200, "{cycles} ways into a cycle");
    });
}

/// A credential distinctive enough to find in any text.
const SECRET: &str = "secret-token:Zm9vYmFyLXNlY3JldA";

/// A value of a redacted field's type that holds `SECRET`.
trait HoldsSecret {
    fn holding(secret: &str) -> Self;
}

impl HoldsSecret for String {
    fn holding(secret: &str) -> Self {
        secret.to_owned()
    }
}

impl HoldsSecret for std::collections::BTreeMap<String, String> {
    fn holding(secret: &str) -> Self {
        [("name".to_owned(), secret.to_owned())].into()
    }
}

macro_rules! secrets {
    ($($t:ident . $field:ident,)*) => {
        /// Per redacted field (generated list): its name, its model's
        /// `{:?}` and `{:#?}` and JSON when the field holds `SECRET`.
        fn redacted_fields() -> Vec<(&'static str, String, String, String)> {
            vec![$({
                let mut model = c1::models::$t::default();
                model.$field = Some(HoldsSecret::holding(SECRET));
                (
                    concat!(stringify!($t), ".", stringify!($field)),
                    format!("{model:?}"),
                    format!("{model:#?}"),
                    serde_json::to_string(&model).unwrap(),
                )
            },)*]
        }
    };
}
include!("fixtures/api/secrets.rs");

#[test]
fn debug_does_not_print_a_client_secret() {
    let mut created = c1::models::PersonalClientServiceCreateResponse::default();
    let mut client = c1::models::PersonalClient::default();
    client.display_name = Some("ci-bot".into());
    created.client = Some(client);
    created.client_secret = Some(SECRET.into());
    for text in [format!("{created:?}"), format!("{created:#?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("[redacted]"), "{text}");
        // The rest is printed as before.
        assert!(text.contains("ci-bot"), "{text}");
        assert!(
            text.contains("PersonalClientServiceCreateResponse"),
            "{text}"
        );
    }
    assert_eq!(
        format!("{created:?}"),
        "PersonalClientServiceCreateResponse { client: Some(PersonalClient { \
         allow_source_cidr: None, client_id: None, created_at: None, deleted_at: None, \
         display_name: Some(\"ci-bot\"), expires_time: None, id: None, last_used_at: None, \
         scoped_roles: None, updated_at: None, user_id: None }), \
         client_secret: Some(\"[redacted]\") }"
    );
    // The value stays the caller's, and goes on the wire unchanged.
    assert_eq!(created.client_secret.as_deref(), Some(SECRET));
    let json = serde_json::to_value(&created).unwrap();
    assert_eq!(json["clientSecret"], SECRET);
    // Absent is still `None`.
    created.client_secret = None;
    assert!(format!("{created:?}").ends_with("client_secret: None }"));

    // Inside another model too.
    let mut credential = c1::models::ConnectorCredential::default();
    credential.client_id = Some("client-id".into());
    credential.client_secret = Some(SECRET.into());
    let mut answer = c1::models::ConnectorServiceGetCredentialsResponse::default();
    answer.credential = Some(credential);
    let text = format!("{answer:#?}");
    assert!(
        !text.contains(SECRET) && text.contains("client-id"),
        "{text}"
    );
}

#[test]
fn debug_redacts_every_listed_credential() {
    let fields = redacted_fields();
    for (field, debug, pretty, json) in &fields {
        assert!(!debug.contains(SECRET), "{field}: {debug}");
        assert!(!pretty.contains(SECRET), "{field}: {pretty}");
        assert!(debug.contains("Some(\"[redacted]\")"), "{field}: {debug}");
        assert!(
            json.contains(SECRET),
            "{field}: serde writes the value: {json}"
        );
    }
    let names: Vec<&str> = fields.iter().map(|f| f.0).collect();
    for expected in [
        "PersonalClientServiceCreateResponse.client_secret",
        "ServicePrincipalServiceCreateCredentialResponse.client_secret",
        "ConnectorCredential.client_secret",
        "MintGatewayKeyResponse.plaintext_key",
        "SetProviderCredentialRequest.api_key",
        "DecoyAccessTokenMaterial.access_token",
        "MCPServerAuthBasicAuth.password",
        "MCPServerAuthOAuth2.jwt_private_key",
        "MCPServerAuthCustomHeader.header_value",
    ] {
        assert!(names.contains(&expected), "{expected} is not redacted");
    }
    assert!(fields.len() >= 40, "{} fields", fields.len());
}
