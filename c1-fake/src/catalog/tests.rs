//! The generic handlers over a small test catalog, through real HTTP on loopback.

use serde_json::{Value, json};

use super::{Field, Operation, Page, Schema, TokenIn, Ty, instance, validate};
use crate::{FakeC1, Reply};

const WIDGET: &str = "test.Widget";
const GET_WIDGET: &str = "test.GetWidgetResponse";
const LIST_WIDGETS: &str = "test.ListWidgetsResponse";
const CREATE_WIDGET: &str = "test.CreateWidgetRequest";
const SEARCH_WIDGETS: &str = "test.SearchWidgetsRequest";
const EMPTY: &str = "test.Empty";

/// Sorted by name, as the generated catalog is.
static SCHEMAS: &[Schema] = &[
    Schema {
        name: "test.CreateWidgetRequest",
        fields: &[
            Field {
                name: "widget",
                ty: Ty::Ref(WIDGET),
            },
            Field {
                name: "validateOnly",
                ty: Ty::Bool,
            },
        ],
        oneofs: &[],
    },
    Schema {
        name: "test.Empty",
        fields: &[],
        oneofs: &[],
    },
    Schema {
        name: "test.GetWidgetResponse",
        fields: &[Field {
            name: "widget",
            ty: Ty::Ref(WIDGET),
        }],
        oneofs: &[],
    },
    Schema {
        name: "test.ListWidgetsResponse",
        fields: &[
            Field {
                name: "list",
                ty: Ty::Array(&Ty::Ref(WIDGET)),
            },
            Field {
                name: "nextPageToken",
                ty: Ty::String,
            },
        ],
        oneofs: &[],
    },
    Schema {
        name: "test.SearchWidgetsRequest",
        fields: &[
            Field {
                name: "query",
                ty: Ty::String,
            },
            Field {
                name: "pageSize",
                ty: Ty::Int32,
            },
            Field {
                name: "pageToken",
                ty: Ty::String,
            },
        ],
        oneofs: &[],
    },
    Schema {
        name: "test.Widget",
        fields: &[
            Field {
                name: "id",
                ty: Ty::String,
            },
            Field {
                name: "count",
                ty: Ty::Int32,
            },
            Field {
                name: "size",
                ty: Ty::Int64,
            },
            Field {
                name: "createdAt",
                ty: Ty::DateTime,
            },
            Field {
                name: "ttl",
                ty: Ty::Duration,
            },
            Field {
                name: "kind",
                ty: Ty::Enum(&["KIND_UNSPECIFIED", "KIND_GEAR"]),
            },
            Field {
                name: "tags",
                ty: Ty::Array(&Ty::String),
            },
            Field {
                name: "labels",
                ty: Ty::Map(&Ty::String),
            },
            Field {
                name: "blob",
                ty: Ty::Bytes,
            },
            Field {
                name: "enabled",
                ty: Ty::Bool,
            },
            Field {
                name: "parent",
                ty: Ty::Ref(WIDGET),
            },
            Field {
                name: "email",
                ty: Ty::String,
            },
            Field {
                name: "status",
                ty: Ty::Enum(&[
                    "STATUS_UNSPECIFIED",
                    "STATUS_UNKNOWN",
                    "STATUS_DELETED",
                    "STATUS_DRAFT",
                    "STATUS_ENABLED",
                ]),
            },
            Field {
                name: "updatedAt",
                ty: Ty::DateTime,
            },
            Field {
                name: "deletedAt",
                ty: Ty::DateTime,
            },
            Field {
                name: "deleted",
                ty: Ty::Bool,
            },
            // A oneof: the first member that can be built is set, the others left out.
            Field {
                name: "nested",
                ty: Ty::Ref(WIDGET),
            },
            Field {
                name: "gearName",
                ty: Ty::String,
            },
            Field {
                name: "springCount",
                ty: Ty::Int32,
            },
            // Protobuf's Empty: `{}`, never a made-up field.
            Field {
                name: "marker",
                ty: Ty::Empty,
            },
        ],
        oneofs: &[&["nested", "gearName", "springCount"]],
    },
];

/// How many fields `test.Widget` has.
const WIDGET_FIELDS: usize = 20;

const fn op(
    id: &'static str,
    method: &'static str,
    template: &'static str,
    request: Option<&'static str>,
    response: &'static str,
) -> Operation {
    Operation {
        id,
        service: "Widgets",
        name: id,
        method,
        template,
        query: &[],
        request,
        response,
        page: None,
        role: None,
    }
}

static OPERATIONS: &[Operation] = &[
    op("get", "GET", "/api/v1/widgets/{id}", None, GET_WIDGET),
    op(
        "get_part",
        "GET",
        "/api/v1/widgets/{widget_id}/parts/{id}",
        None,
        GET_WIDGET,
    ),
    op(
        "get_special_part",
        "GET",
        "/api/v1/widgets/special/parts/{part_id}",
        None,
        GET_WIDGET,
    ),
    op(
        "get_any_part",
        "GET",
        "/api/v1/widgets/{widget_id}/parts/latest",
        None,
        GET_WIDGET,
    ),
    Operation {
        query: &[
            Field {
                name: "page_size",
                ty: Ty::Int32,
            },
            Field {
                name: "page_token",
                ty: Ty::String,
            },
            Field {
                name: "enabled",
                ty: Ty::Bool,
            },
        ],
        page: Some(Page {
            items: "list",
            token_in: TokenIn::Query,
        }),
        ..op("list", "GET", "/api/v1/widgets", None, LIST_WIDGETS)
    },
    op(
        "create",
        "POST",
        "/api/v1/widgets",
        Some(CREATE_WIDGET),
        GET_WIDGET,
    ),
    Operation {
        page: Some(Page {
            items: "list",
            token_in: TokenIn::Body,
        }),
        ..op(
            "search",
            "POST",
            "/api/v1/widgets/search",
            Some(SEARCH_WIDGETS),
            LIST_WIDGETS,
        )
    },
    op(
        "delete",
        "DELETE",
        "/api/v1/widgets/{id}",
        Some(EMPTY),
        EMPTY,
    ),
];

const TOKEN: &str = "catalog-token";

async fn fake(strict: bool, nulls: bool) -> FakeC1 {
    let fake = FakeC1::builder()
        .catalog(OPERATIONS, SCHEMAS)
        .strict(strict)
        .nulls(nulls)
        .start()
        .await;
    fake.add_bearer_token(TOKEN);
    fake
}

async fn call(fake: &FakeC1, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let http = reqwest::Client::new();
    crate::test_http::send(&http, fake, TOKEN, method, path, body.as_ref()).await
}

/// Whether `id` is a C1-style id: 27 base62 characters.
fn is_c1_id(id: &Value) -> bool {
    id.as_str()
        .is_some_and(|s| s.len() == 27 && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[test]
fn instances_are_plausible_live_objects_and_strictly_valid() {
    let v = instance::instance(SCHEMAS, GET_WIDGET, false);
    let w = &v["widget"];
    assert!(is_c1_id(&w["id"]), "{v}");
    assert_eq!((&w["count"], &w["size"]), (&json!(1), &json!("1")));
    assert_eq!(w["kind"], "KIND_GEAR");
    // A status is live: not the zero value, `UNKNOWN` nor `DELETED`, though listed first.
    assert_eq!(w["status"], "STATUS_ENABLED");
    assert_eq!(w["email"], "user-1@example.com");
    assert_eq!(w["tags"], json!(["tags-1"]));
    assert_eq!(w["labels"], json!({"key": "labels-1"}));
    assert_eq!(w["ttl"], "3600s");
    // Created, then updated a day later; never deleted.
    assert_eq!(w["createdAt"], "2024-05-01T12:00:00Z");
    assert_eq!(w["updatedAt"], "2024-05-02T12:00:00Z");
    assert!(w.get("deletedAt").is_none(), "{v}");
    assert_eq!(w["deleted"], false);
    // The oneof holds one member: `nested` would enter the cycle, so the next one.
    assert_eq!(w["gearName"], "gearName-1");
    assert!(w.get("nested").is_none(), "{v}");
    assert!(w.get("springCount").is_none(), "{v}");
    assert_eq!(w["marker"], json!({}));
    // `parent` is a Widget inside a Widget: the cycle is not entered.
    assert!(w.get("parent").is_none(), "{v}");
    // Every built instance validates against its own schema, strictly, and the same
    // schema gives the same instance.
    for schema in SCHEMAS {
        let v = instance::instance(SCHEMAS, schema.name, false);
        validate::check_object(SCHEMAS, schema.name, &v, true).unwrap();
        assert_eq!(v, instance::instance(SCHEMAS, schema.name, false));
    }
    let nulls = instance::instance(SCHEMAS, GET_WIDGET, true);
    assert_eq!(nulls, json!({"widget": null}));
    let mut fixture = json!({"list": [{"id": "a"}]});
    instance::fill_nulls(SCHEMAS, LIST_WIDGETS, &mut fixture);
    assert!(fixture["nextPageToken"].is_null());
    assert_eq!(fixture["list"][0].as_object().unwrap().len(), WIDGET_FIELDS);
    assert!(fixture["list"][0]["createdAt"].is_null());
}

#[test]
fn every_field_instances_hold_every_field_once() {
    let v = instance::every_field(SCHEMAS, GET_WIDGET, None);
    let w = v["widget"].as_object().unwrap();
    assert_eq!(w.len(), WIDGET_FIELDS, "{v}");
    // The Widget was filled in full once: where it is reached again, `{}`.
    assert_eq!((&w["parent"], &w["nested"]), (&json!({}), &json!({})));
    assert!(w["deletedAt"].is_string());
    assert_eq!(w["kind"], "KIND_GEAR");
    // Not a valid message: the oneof's members are all set.
    let err = validate::check_object(SCHEMAS, GET_WIDGET, &v, true).unwrap_err();
    assert!(err.contains("oneof"), "{err}");
    let unknown = instance::every_field(SCHEMAS, GET_WIDGET, Some("NEW"));
    assert_eq!(
        (&unknown["widget"]["kind"], &unknown["widget"]["status"]),
        (&json!("NEW"), &json!("NEW"))
    );
}

#[test]
fn validation_checks_types_and_names_the_field() {
    let check = |v: Value, strict| validate::check_object(SCHEMAS, CREATE_WIDGET, &v, strict);
    check(json!({"widget": {"id": "w", "count": 3, "size": "12", "createdAt": "2024-05-01T12:00:00Z", "ttl": "1.5s", "kind": "KIND_NEW", "tags": ["a"], "labels": {"k": "v"}, "blob": "AQID", "enabled": false, "parent": {"id": "p"}}}), true).unwrap();
    check(json!({"widget": null, "validateOnly": null}), true).unwrap();
    let err = |v: Value, strict| check(v, strict).unwrap_err();
    assert!(err(json!({"widget": {"count": "x"}}), false).contains("`widget.count`"));
    assert!(err(json!({"widget": {"count": 1e10}}), false).contains("int32"));
    assert!(err(json!({"widget": {"createdAt": "yesterday"}}), false).contains("RFC 3339"));
    assert!(err(json!({"widget": {"tags": ["a", 2]}}), false).contains("`widget.tags[1]`"));
    assert!(
        err(json!({"widget": {"parent": {"enabled": "yes"}}}), false)
            .contains("`widget.parent.enabled`")
    );
    assert!(err(json!({"widget": "w"}), false).contains("must be an object"));
    assert!(err(json!([1]), false).contains("the body"));
    // Strict mode refuses an unknown field: a wrong wire name.
    check(json!({"widget": {"created_at": "x"}}), false).unwrap();
    let e = err(json!({"widget": {"created_at": "x"}}), true);
    assert!(
        e.contains("unknown field `widget.created_at`") && e.contains("test.Widget"),
        "{e}"
    );
    // One member of a oneof at most; `null` is unset.
    check(
        json!({"widget": {"gearName": "g", "springCount": null}}),
        true,
    )
    .unwrap();
    let e = err(
        json!({"widget": {"gearName": "g", "springCount": 2}}),
        false,
    );
    assert!(
        e.contains("`widget` sets `gearName` and `springCount`"),
        "{e}"
    );
    // Protobuf's Empty holds no field, even outside strict mode.
    check(json!({"widget": {"marker": {}}}), true).unwrap();
    let e = err(json!({"widget": {"marker": {"key": "value"}}}), false);
    assert!(e.contains("`widget.marker` must be an empty object"), "{e}");
}

#[tokio::test]
async fn the_most_specific_operation_answers_and_methods_are_checked() {
    let fake = fake(false, false).await;
    let (status, body) = call(&fake, "GET", "/api/v1/widgets/w%2F1", None).await;
    assert_eq!(status, 200, "{body}");
    assert!(is_c1_id(&body["widget"]["id"]), "{body}");
    let got = fake.operation_requests("get");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].param("id"), Some("w/1"));
    for (path, id, params) in [
        (
            "/api/v1/widgets/w/parts/p",
            "get_part",
            vec![("widget_id", "w"), ("id", "p")],
        ),
        (
            "/api/v1/widgets/special/parts/p",
            "get_special_part",
            vec![("part_id", "p")],
        ),
        (
            "/api/v1/widgets/w/parts/latest",
            "get_any_part",
            vec![("widget_id", "w")],
        ),
        // Two literals each: the leftmost (`special`) wins.
        (
            "/api/v1/widgets/special/parts/latest",
            "get_special_part",
            vec![("part_id", "latest")],
        ),
    ] {
        assert_eq!(call(&fake, "GET", path, None).await.0, 200, "{path}");
        let last = fake
            .operation_requests(id)
            .pop()
            .unwrap_or_else(|| panic!("{path} not {id}"));
        let want: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!((last.request.path.as_str(), last.params), (path, want));
    }
    let (status, body) = call(&fake, "PATCH", "/api/v1/widgets/w", None).await;
    assert_eq!((status, body["code"].clone()), (405, json!(12)));
    assert_eq!(call(&fake, "GET", "/api/v1/gadgets/w", None).await.0, 404);
    assert_eq!(
        call(&fake, "DELETE", "/api/v1/widgets/w", None).await,
        (200, json!({}))
    );
    // The API's authentication still applies.
    let resp = reqwest::get(format!("{}/api/v1/widgets/w", fake.base_url()))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

#[tokio::test]
async fn bodies_and_queries_are_validated_and_strict_mode_names_unknown_fields() {
    let fake = fake(false, false).await;
    let good = json!({"widget": {"id": "w", "count": 2}});
    assert_eq!(
        call(&fake, "POST", "/api/v1/widgets", Some(good.clone()))
            .await
            .0,
        200
    );
    assert_eq!(
        fake.operation_requests("create")[0].request.json(),
        Some(good)
    );
    let (status, body) = call(
        &fake,
        "POST",
        "/api/v1/widgets",
        Some(json!({"widget": {"count": "many"}})),
    )
    .await;
    assert_eq!(status, 400);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("Widgets.create: invalid request body: field `widget.count`"),
        "{message}"
    );
    let wrong_name = json!({"widget": {"display_name": "w"}});
    assert_eq!(
        call(&fake, "POST", "/api/v1/widgets", Some(wrong_name.clone()))
            .await
            .0,
        200
    );
    let (status, _) = call(&fake, "GET", "/api/v1/widgets?page_size=two", None).await;
    assert_eq!(status, 400);
    assert_eq!(
        call(&fake, "GET", "/api/v1/widgets?pageSize=2&x=1", None)
            .await
            .0,
        200
    );

    fake.set_strict(true);
    let (status, body) = call(&fake, "POST", "/api/v1/widgets", Some(wrong_name)).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `widget.display_name`"),
        "{body}"
    );
    let (status, body) = call(&fake, "GET", "/api/v1/widgets?x=1", None).await;
    assert_eq!(status, 400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("unknown query parameter `x`"),
        "{body}"
    );
    let (status, _) = call(
        &fake,
        "DELETE",
        "/api/v1/widgets/w",
        Some(json!({"force": true})),
    )
    .await;
    assert_eq!(status, 400, "an empty request schema has no field");
    assert_eq!(
        call(
            &fake,
            "POST",
            "/api/v1/widgets",
            Some(json!({"validateOnly": true}))
        )
        .await
        .0,
        200
    );
}

/// Every page of `GET /api/v1/widgets` in pages of `size`: the items, and how many pages.
async fn widget_pages(fake: &FakeC1, size: usize) -> (Vec<Value>, usize) {
    let (mut items, mut pages) = (Vec::new(), 0);
    let mut token = String::new();
    loop {
        let path = format!("/api/v1/widgets?page_size={size}&page_token={token}");
        let (status, page) = call(fake, "GET", &path, None).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        items.extend(page["list"].as_array().unwrap().iter().cloned());
        token = page["nextPageToken"].as_str().unwrap().to_owned();
        if token.is_empty() {
            return (items, pages);
        }
    }
}

#[tokio::test]
async fn built_lists_hold_numbered_items_over_several_pages() {
    let fake = fake(false, false).await;
    let (items, pages) = widget_pages(&fake, 25).await;
    assert_eq!(items.len(), super::instance::BUILT_LIST_LEN);
    assert_eq!(pages, 3);
    // Each item is its own object: its own id, its own number in what a person reads.
    let ids: std::collections::BTreeSet<&str> =
        items.iter().map(|w| w["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), items.len());
    assert!(items.iter().all(|w| is_c1_id(&w["id"])));
    assert_eq!(items[0]["email"], "user-1@example.com");
    assert_eq!(items[59]["email"], "user-60@example.com");
    assert_eq!(items[59]["createdAt"], "2024-05-03T23:00:00Z");
    // The same answer every time, from another fake too.
    let again = self::fake(false, false).await;
    assert_eq!(widget_pages(&again, 100).await, (items, 1));
}

#[tokio::test]
async fn lists_are_served_in_pages() {
    let fake = fake(false, false).await;
    let items: Vec<Value> = (0..25).map(|i| json!({"id": format!("w{i}")})).collect();
    fake.operation_json("list", json!({"list": items, "nextPageToken": ""}));
    fake.operation_json("search", json!({"list": items}));
    // A page size under the service's minimum (10) is raised to it.
    let (items, pages) = widget_pages(&fake, 2).await;
    assert_eq!(pages, 3);
    let ids: Vec<&str> = items.iter().map(|w| w["id"].as_str().unwrap()).collect();
    let want: Vec<String> = (0..25).map(|i| format!("w{i}")).collect();
    assert_eq!(ids, want);
    // A POST search pages by its body.
    let (_, first) = call(
        &fake,
        "POST",
        "/api/v1/widgets/search",
        Some(json!({"pageSize": 24})),
    )
    .await;
    assert_eq!(first["list"].as_array().unwrap().len(), 24);
    let next = first["nextPageToken"].clone();
    let (_, last) = call(
        &fake,
        "POST",
        "/api/v1/widgets/search",
        Some(json!({"pageSize": 24, "pageToken": next})),
    )
    .await;
    assert_eq!(last["list"], json!([{"id": "w24"}]));
    assert_eq!(last["nextPageToken"], "");
    // A token of another list, or garbage, is refused.
    let path = format!("/api/v1/widgets?page_token={}", next.as_str().unwrap());
    assert_eq!(call(&fake, "GET", &path, None).await.0, 400);
    assert_eq!(
        call(&fake, "GET", "/api/v1/widgets?page_token=zz", None)
            .await
            .0,
        400
    );
    assert_eq!(
        call(&fake, "GET", "/api/v1/widgets?page_size=-1", None)
            .await
            .0,
        400
    );
    // Without a fixture: an instance with one item, one page.
    let (_, page) = call(&fake, "GET", "/api/v1/widgets/search", None).await;
    assert!(
        is_c1_id(&page["widget"]["id"]),
        "GET /widgets/search is `get` with id `search`: {page}"
    );
}

#[tokio::test]
async fn scripted_replies_and_nulls_mode() {
    let fake = fake(false, true).await;
    let (_, body) = call(&fake, "GET", "/api/v1/widgets/w", None).await;
    assert_eq!(body, json!({"widget": null}));
    fake.operation_json("get", json!({"widget": {"id": "w"}}));
    let (_, body) = call(&fake, "GET", "/api/v1/widgets/w", None).await;
    assert_eq!(body["widget"]["id"], "w");
    assert!(body["widget"]["createdAt"].is_null());
    assert_eq!(body["widget"].as_object().unwrap().len(), WIDGET_FIELDS);
    fake.operation_json("list", json!({"list": [{"id": "a"}]}));
    let (_, page) = call(&fake, "GET", "/api/v1/widgets", None).await;
    assert!(page["nextPageToken"].is_null(), "{page}");

    fake.operation_reply(
        "get",
        Reply::new(503).header("retry-after", "1").body("busy"),
    );
    let resp = reqwest::Client::new()
        .get(format!("{}/api/v1/widgets/w", fake.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 503);
    assert_eq!(resp.headers()["retry-after"], "1");
    assert_eq!(fake.operation_requests("get").len(), 3);
    assert!(fake.operation_ids().contains(&"search"));
}

#[tokio::test]
async fn connector_owners_routes_stay_stateful() {
    static OWNERS: &[Operation] = &[op(
        "c1.api.app.v1.ConnectorOwnersV2.GetUserOwner",
        "GET",
        "/api/v2/apps/{app_id}/connectors/{connector_id}/owners/users/{role_slug}/{user_ref_id}",
        None,
        EMPTY,
    )];
    let fake = FakeC1::builder().catalog(OWNERS, SCHEMAS).start().await;
    fake.add_bearer_token(TOKEN);
    let path = "/api/v2/apps/app-1/connectors/conn-1/owners/users/owner/user-1";
    let (status, body) = call(&fake, "GET", path, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["connectorOwnerUser"]["user"]["id"], "user-1");
    assert!(fake.operation_requests(OWNERS[0].id).is_empty());
}

#[tokio::test]
async fn hosted_routes_answer_first_and_the_catalog_serves_their_other_methods() {
    let fake = fake(false, false).await;
    let hosted = fake.route("GET", "/api/v1/widgets/<id>");
    hosted.json(json!({"hosted": true}));
    assert_eq!(
        call(&fake, "GET", "/api/v1/widgets/w", None).await,
        (200, json!({"hosted": true}))
    );
    assert_eq!(
        call(&fake, "DELETE", "/api/v1/widgets/w", None).await,
        (200, json!({}))
    );
    assert_eq!(fake.operation_requests("delete").len(), 1);
    assert!(fake.operation_requests("get").is_empty());
    assert_eq!(call(&fake, "PATCH", "/api/v1/widgets/w", None).await.0, 405);
    // A hosted path the catalog does not know: another method is 405 too.
    fake.route("GET", "/api/v1/gadgets/<id>");
    assert_eq!(call(&fake, "POST", "/api/v1/gadgets/g", None).await.0, 405);
    assert_eq!(call(&fake, "POST", "/api/v1/gizmos/g", None).await.0, 404);
}
