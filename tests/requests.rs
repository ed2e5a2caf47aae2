//! Building requests as a user writes them: chained setters, a constructor
//! taking the fields the API requires, and updates whose `update_mask` names
//! the fields the user set. Each is sent to c1-fake's stateful tenant over
//! loopback HTTP, and what the fake received and stored is checked.

#![cfg(feature = "full")]

use c1::models::{
    App, CreateAppRequest, SetConnectorOwnersV2Request, TaskSearchRequest, TaskState,
    TunnelCredentialsServiceUpdateBridgeRequest, UpdateAppRequest, UserRef,
};
use c1::prelude::*;
use c1_fake::FakeC1;
use serde_json::{Value, json};

async fn fake_and_client() -> (FakeC1, Client) {
    let fake = FakeC1::start().await;
    fake.add_bearer_token("requests");
    let client = Client::builder()
        .base_url(fake.base_url())
        .bearer_token("requests")
        .build()
        .unwrap();
    (fake, client)
}

/// The JSON body of the last request the fake received for an operation.
fn last_body(fake: &FakeC1, operation: &str) -> Value {
    let calls = fake.operation_requests(operation);
    let call = calls.last().expect("the operation was called");
    serde_json::from_str(&call.request.body).expect("a JSON body")
}

/// Creates the app `Payroll` and answers its id.
async fn payroll(client: &Client) -> String {
    let create = CreateAppRequest::new("Payroll")
        .description("Pays people")
        .monthly_cost_usd(120);
    let app = client.apps().create(&create).await.unwrap().app.unwrap();
    app.id.unwrap()
}

#[tokio::test]
async fn a_search_is_built_with_chained_setters() {
    let (fake, client) = fake_and_client().await;
    let search = TaskSearchRequest::default()
        .task_states([TaskState::Open])
        .assignees_in_ids(vec!["user-1".to_owned()])
        .page_size(50);
    assert_eq!(search.task_states, Some(vec![TaskState::Open]));
    assert_eq!(search.page_size, Some(50));

    let page = client.task_search().search(&search).await.unwrap();
    let states: Vec<_> = page
        .list
        .iter()
        .flatten()
        .map(|view| view.task.as_ref().unwrap().state.clone().unwrap())
        .collect();
    assert_eq!(states, [TaskState::Open, TaskState::Open]);
    assert_eq!(
        last_body(&fake, "c1.api.task.v1.TaskSearchService.Search"),
        json!({"assigneesInIds": ["user-1"], "pageSize": 50, "taskStates": ["TASK_STATE_OPEN"]})
    );
}

#[test]
fn setters_take_what_converts_into_the_field() {
    // Text from &str or String, enums from their wire value, models by value.
    let search = TaskSearchRequest::default()
        .query("laptop")
        .subject_ids(["user-2".to_owned()])
        .include_deleted(true);
    assert_eq!(search.query.as_deref(), Some("laptop"));
    assert_eq!(search.include_deleted, Some(true));
    let owners = SetConnectorOwnersV2Request::new("owner").user_refs([UserRef::new("user-1")]);
    assert_eq!(owners.role_slug.as_deref(), Some("owner"));
    assert_eq!(owners.user_refs, Some(vec![UserRef::new("user-1")]));
    // A list takes anything `Into<Vec<T>>`: a vec (items converted with
    // `.into()` too), an array, a slice; `[]` empties it.
    let search = search
        .assignees_in_ids(vec!["user-1".into()])
        .opener_ids(&["user-2".to_owned()][..])
        .task_states([]);
    assert_eq!(search.assignees_in_ids, Some(vec!["user-1".to_owned()]));
    assert_eq!(search.opener_ids, Some(vec!["user-2".to_owned()]));
    assert_eq!(search.task_states, Some(vec![]));
    // Setting twice keeps the last value; the fields stay public for `Option`s.
    let mut search = search.page_size(10).page_size(25);
    search.page_token = None;
    assert_eq!(search.page_size, Some(25));
}

#[tokio::test]
async fn a_constructor_takes_the_required_fields() {
    let (fake, client) = fake_and_client().await;
    let id = payroll(&client).await;
    assert_eq!(
        last_body(&fake, "c1.api.app.v1.Apps.Create"),
        json!({"displayName": "Payroll", "description": "Pays people", "monthlyCostUsd": 120})
    );
    let app = client.apps().get(&id).await.unwrap().app.unwrap();
    assert_eq!(app.display_name.as_deref(), Some("Payroll"));
    assert_eq!(app.monthly_cost_usd, Some(120));
}

#[tokio::test]
async fn an_update_changes_only_the_fields_set() {
    let (fake, client) = fake_and_client().await;
    let id = payroll(&client).await;

    let update = UpdateAppRequest::changing(App::default().description("Pays everyone"));
    assert_eq!(update.update_mask.as_deref(), Some("description"));
    client.apps().update(&id, &update).await.unwrap();
    assert_eq!(
        last_body(&fake, "c1.api.app.v1.Apps.Update"),
        json!({"app": {"description": "Pays everyone"}, "updateMask": "description"})
    );

    let app = client.apps().get(&id).await.unwrap().app.unwrap();
    assert_eq!(app.description.as_deref(), Some("Pays everyone"));
    assert_eq!(app.display_name.as_deref(), Some("Payroll"));
    assert_eq!(app.monthly_cost_usd, Some(120));
}

#[tokio::test]
async fn a_mask_left_none_is_made_when_the_body_is_sent() {
    let (fake, client) = fake_and_client().await;
    let id = payroll(&client).await;

    let update = UpdateAppRequest::default().app(App::default().display_name("Payroll EU"));
    assert_eq!(update.update_mask, None);
    client.apps().update(&id, &update).await.unwrap();
    assert_eq!(
        last_body(&fake, "c1.api.app.v1.Apps.Update")["updateMask"],
        "displayName"
    );

    let app = client.apps().get(&id).await.unwrap().app.unwrap();
    assert_eq!(app.display_name.as_deref(), Some("Payroll EU"));
    assert_eq!(app.description.as_deref(), Some("Pays people"));
}

#[tokio::test]
async fn an_app_read_back_and_changed_masks_no_field_the_server_sets() {
    let (fake, client) = fake_and_client().await;
    let id = payroll(&client).await;

    let mut app = client.apps().get(&id).await.unwrap().app.unwrap();
    assert!(app.id.is_some() && app.created_at.is_some());
    app.monthly_cost_usd = Some(99);
    let update = UpdateAppRequest::changing(app);
    let mask = update.update_mask.clone().unwrap();
    let mut paths: Vec<&str> = mask.split(',').collect();
    paths.sort_unstable();
    assert_eq!(paths, ["description", "displayName", "monthlyCostUsd"]);
    client.apps().update(&id, &update).await.unwrap();

    let stored = fake.object("c1.api.app.v1.App", &id).unwrap();
    assert_eq!(stored["monthlyCostUsd"], 99);
    assert_eq!(stored["displayName"], "Payroll");
}

#[tokio::test]
async fn an_empty_value_clears_a_field() {
    let (_fake, client) = fake_and_client().await;
    let id = payroll(&client).await;

    let update = UpdateAppRequest::changing(App::default().description(""));
    client.apps().update(&id, &update).await.unwrap();
    let app = client.apps().get(&id).await.unwrap().app.unwrap();
    assert_eq!(app.description.unwrap_or_default(), "");
    assert_eq!(app.display_name.as_deref(), Some("Payroll"));
}

#[test]
fn a_mask_is_kept_when_given_and_left_out_when_nothing_is_set() {
    let given = UpdateAppRequest::changing(App::default().description("d"))
        .update_mask("description,displayName");
    assert_eq!(
        serde_json::to_value(&given).unwrap(),
        json!({"app": {"description": "d"}, "updateMask": "description,displayName"})
    );
    let nothing = UpdateAppRequest::changing(App::default());
    assert_eq!(nothing.update_mask, None);
    assert_eq!(serde_json::to_value(&nothing).unwrap(), json!({"app": {}}));
    assert_eq!(
        serde_json::to_value(UpdateAppRequest::default()).unwrap(),
        json!({})
    );
}

#[test]
fn a_flat_update_masks_its_own_fields() {
    // This update holds the changed fields itself, not an object.
    let rename = TunnelCredentialsServiceUpdateBridgeRequest::default().display_name("bridge-2");
    assert_eq!(
        serde_json::to_value(&rename).unwrap(),
        json!({"displayName": "bridge-2", "updateMask": "displayName"})
    );
}
