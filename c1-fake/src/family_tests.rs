//! Every resource family of the generated catalog, through real HTTP on loopback:
//! create -> get -> every list and search contains it -> update -> get shows it ->
//! delete -> get 404, each answer strictly valid for its response schema.

use serde_json::{Value, json};

use crate::FakeC1;
use crate::catalog::{Kind, OPERATIONS, Operation, Role, SCHEMAS, Ty, schema, validate};
use crate::objects::id_of;

const TOKEN: &str = "family-token";
/// The value of every scope parameter (`{app_id}`, ...) in these tests.
const SCOPE: &str = "scope 1/ü";

struct Http {
    fake: FakeC1,
    client: reqwest::Client,
}

impl Http {
    async fn start() -> Http {
        let fake = FakeC1::builder().seed(json!({})).start().await;
        fake.add_bearer_token(TOKEN);
        Http {
            fake,
            client: reqwest::Client::new(),
        }
    }

    /// Call `op` with `id` in its id parameter; the answer is checked against the schema.
    async fn call(&self, op: &Operation, id: &str, body: Value) -> (u16, Value) {
        let role = op.role.as_ref().unwrap();
        let mut path = op.template.to_owned();
        for (param, _) in role.scope {
            path = path.replace(&format!("{{{param}}}"), &escape(SCOPE));
        }
        if let Some(param) = role.id_param {
            path = path.replace(&format!("{{{param}}}"), &escape(id));
        }
        assert!(!path.contains('{'), "{}: unfilled {path}", op.id);
        let body = (op.method != "GET").then_some(&body);
        let (status, answer) =
            crate::test_http::send(&self.client, &self.fake, TOKEN, op.method, &path, body).await;
        if status == 200
            && let Err(e) = validate::check_object(SCHEMAS, op.response, &answer, true)
        {
            panic!(
                "{}: answer not valid for {}: {e}\n{answer}",
                op.id, op.response
            );
        }
        (status, answer)
    }
}

fn escape(segment: &str) -> String {
    form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The object at `role.entity_at` in an answer.
fn object_in<'v>(role: &Role, answer: &'v Value) -> &'v Value {
    role.entity_at.iter().fold(answer, |v, step| &v[*step])
}

/// A text field of the object an update can set: a name or description if it has one.
fn text_field(entity: &str, role: &Role) -> Option<&'static str> {
    let fields = schema(SCHEMAS, entity)?.fields;
    let settable = |name: &str| {
        !matches!(name, "id")
            && !name.ends_with("Id")
            && !role.scope.iter().any(|(_, f)| *f == name)
    };
    let strings: Vec<&'static str> = fields
        .iter()
        .filter(|f| matches!(f.ty, Ty::String) && settable(f.name))
        .map(|f| f.name)
        .collect();
    ["displayName", "description", "name", "title"]
        .into_iter()
        .find_map(|want| strings.iter().copied().find(|f| *f == want))
        .or_else(|| strings.first().copied())
}

/// `{"app": {field: value}}` for a body that holds the object at `["app"]`.
fn body_with(role: &Role, fields: Value) -> Value {
    let at = role.body_at.unwrap_or_default();
    at.iter()
        .rev()
        .fold(fields, |inner, step| json!({ *step: inner }))
}

async fn list_ids(http: &Http, op: &Operation) -> Vec<String> {
    let (status, answer) = http.call(op, "", json!({})).await;
    assert_eq!(status, 200, "{}: {answer}", op.id);
    let role = op.role.as_ref().unwrap();
    let items = op.page.as_ref().unwrap().items;
    answer[items]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no `{items}` in {answer}", op.id))
        .iter()
        .filter_map(|item| id_of(object_in(role, item)).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn every_family_keeps_what_it_is_given() {
    let mut families: Vec<&str> = OPERATIONS
        .iter()
        .filter_map(|op| op.role.as_ref().map(|r| r.entity))
        .collect();
    families.sort_unstable();
    families.dedup();
    assert!(families.len() >= 30, "{} families", families.len());
    let http = Http::start().await;
    for family in families {
        let ops: Vec<&Operation> = OPERATIONS
            .iter()
            .filter(|op| op.role.as_ref().is_some_and(|r| r.entity == family))
            .collect();
        let of = |kind: Kind| {
            ops.iter()
                .copied()
                .filter(move |op| op.role.as_ref().unwrap().kind == kind)
        };
        let get = of(Kind::Get)
            .next()
            .unwrap_or_else(|| panic!("{family}: no get"));
        let get_role = get.role.as_ref().unwrap();
        let field = text_field(family, get_role);

        // Create, or store one directly where the API has no create.
        let id = match of(Kind::Create).next() {
            Some(create) => {
                let role = create.role.as_ref().unwrap();
                let mut fields = field.map_or(json!({}), |f| json!({ f: "Created" }));
                // In the scope of every list of the family, so each one shows it.
                for op in &ops {
                    for (_, f) in op.role.as_ref().unwrap().scope {
                        fields[*f] = json!(SCOPE);
                    }
                }
                let (status, answer) = http.call(create, "", body_with(role, fields)).await;
                assert_eq!(status, 200, "{}: {answer}", create.id);
                let id = id_of(object_in(role, &answer))
                    .unwrap_or_else(|| panic!("{}: no id in {answer}", create.id))
                    .to_owned();
                if let Some(f) = field {
                    assert_eq!(object_in(role, &answer)[f], "Created", "{}", create.id);
                }
                id
            }
            None => {
                let mut object = json!({ "id": "direct-1" });
                for op in &ops {
                    for (_, f) in op.role.as_ref().unwrap().scope {
                        object[*f] = json!(SCOPE);
                    }
                }
                http.fake
                    .shared
                    .store()
                    .objects
                    .put(family, object)
                    .unwrap();
                "direct-1".to_owned()
            }
        };

        let (status, answer) = http.call(get, &id, json!({})).await;
        assert_eq!(status, 200, "{}: {answer}", get.id);
        assert_eq!(
            id_of(object_in(get_role, &answer)),
            Some(id.as_str()),
            "{}",
            get.id
        );

        for list in of(Kind::List).chain(of(Kind::Search)) {
            assert!(
                list_ids(&http, list).await.contains(&id),
                "{}: {id} not listed",
                list.id
            );
        }

        if let (Some(update), Some(f)) = (of(Kind::Update).next(), field) {
            let role = update.role.as_ref().unwrap();
            let mut body = body_with(role, json!({ f: "Updated" }));
            if let Some(mask) = role.mask {
                body[mask] = json!(f);
            }
            let (status, answer) = http.call(update, &id, body).await;
            assert_eq!(status, 200, "{}: {answer}", update.id);
            let (_, answer) = http.call(get, &id, json!({})).await;
            assert_eq!(object_in(get_role, &answer)[f], "Updated", "{}", update.id);
        }

        for act in of(Kind::Act) {
            let (status, answer) = http.call(act, "no-such-id", json!({})).await;
            assert_eq!(
                (status, answer["code"].clone()),
                (404, json!(5)),
                "{}",
                act.id
            );
        }

        if let Some(delete) = of(Kind::Delete).next() {
            let (status, answer) = http.call(delete, &id, json!({})).await;
            assert_eq!(status, 200, "{}: {answer}", delete.id);
            let (status, answer) = http.call(get, &id, json!({})).await;
            assert_eq!(
                (status, answer["code"].clone()),
                (404, json!(5)),
                "{}",
                get.id
            );
            let (status, _) = http.call(delete, &id, json!({})).await;
            assert_eq!(status, 404, "{}: deleted twice", delete.id);
        }
        let (status, answer) = http.call(get, "no-such-id", json!({})).await;
        assert_eq!(
            (status, answer["code"].clone()),
            (404, json!(5)),
            "{}",
            get.id
        );
    }
}

#[tokio::test]
async fn an_update_mask_changes_only_the_fields_it_names() {
    let http = Http::start().await;
    let op = |id: &str| OPERATIONS.iter().find(|o| o.id == id).unwrap();
    let create = op("c1.api.app.v1.Apps.Create");
    let (_, answer) = http
        .call(
            create,
            "",
            json!({ "displayName": "Payroll", "description": "Pays people" }),
        )
        .await;
    let id = answer["app"]["id"].as_str().unwrap().to_owned();
    let update = op("c1.api.app.v1.Apps.Update");
    let body = json!({ "app": { "displayName": "Payroll 2", "description": "ignored" }, "updateMask": "display_name" });
    let (status, answer) = http.call(update, &id, body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["app"]["displayName"], "Payroll 2");
    assert_eq!(answer["app"]["description"], "Pays people");
    // Without a mask, the fields the request sets are replaced and the others kept.
    let body = json!({ "app": { "description": "Pays everyone" } });
    let (_, answer) = http.call(update, &id, body).await;
    assert_eq!(answer["app"]["displayName"], "Payroll 2");
    assert_eq!(answer["app"]["description"], "Pays everyone");
    // A mask naming a field the object lacks is refused, and changes nothing.
    let body = json!({ "app": { "displayName": "x" }, "updateMask": "colour" });
    let (status, answer) = http.call(update, &id, body).await;
    assert_eq!(
        (status, answer["code"].clone()),
        (400, json!(3)),
        "{answer}"
    );
    assert_eq!(
        http.fake.object("c1.api.app.v1.App", &id).unwrap()["displayName"],
        "Payroll 2"
    );
}

#[test]
fn the_default_seed_holds_strictly_valid_live_objects() {
    let seed: Value = serde_json::from_str(crate::DEFAULT_SEED).unwrap();
    let store = crate::state::Store::from_seed(seed).unwrap();
    let mut checked = 0;
    for (family, objects) in store.objects.export() {
        let name = schema(SCHEMAS, &family).unwrap().name;
        for object in objects {
            validate::check_object(SCHEMAS, name, &object, true)
                .unwrap_or_else(|e| panic!("{family}: {e}\n{object}"));
            assert!(object.get("deletedAt").is_none(), "{object}");
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked} objects");
}

#[tokio::test]
async fn grant_answers_are_strictly_valid() {
    let fake = FakeC1::start().await;
    fake.add_bearer_token(TOKEN);
    let op = OPERATIONS
        .iter()
        .find(|o| o.id == crate::grants::SEARCH)
        .unwrap();
    let http = reqwest::Client::new();
    let body = json!({});
    let (status, answer) =
        crate::test_http::send(&http, &fake, TOKEN, op.method, op.template, Some(&body)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["list"].as_array().unwrap().len(), 3, "{answer}");
    validate::check_object(SCHEMAS, op.response, &answer, true).unwrap();
}
