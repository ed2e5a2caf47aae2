//! The default tenant as a user's test suite meets it, over HTTP: its objects reference
//! each other, the main searches honour their filters, task actions change the stored
//! task and its history, one user store serves every route, and tests can reset, load
//! and read the state.

use c1_fake::FakeC1;
use serde_json::{Value, json};

const TOKEN: &str = "tenant-token";

async fn fake() -> FakeC1 {
    let fake = FakeC1::start().await;
    fake.add_bearer_token(TOKEN);
    fake
}

use crate::common;

async fn api(fake: &FakeC1, method: &str, path: &str, body: Value) -> (u16, Value) {
    common::api(fake, TOKEN, method, path, body).await
}

fn ids<'v>(list: &'v Value, at: &[&str]) -> Vec<&'v str> {
    list["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| at.iter().fold(item, |v, k| &v[*k])["id"].as_str().unwrap())
        .collect()
}

async fn search_tasks(fake: &FakeC1, filter: Value) -> Vec<String> {
    let (status, answer) = api(fake, "POST", "/api/v1/search/tasks", filter).await;
    assert_eq!(status, 200, "{answer}");
    ids(&answer, &["task"])
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_default_tenant_references_its_own_objects() {
    let fake = fake().await;
    let users: Vec<Value> = fake.objects("c1.api.user.v1.User");
    let user_ids: Vec<&str> = users.iter().filter_map(|u| u["id"].as_str()).collect();
    let apps = fake.objects("c1.api.app.v1.App");
    let app_ids: Vec<&str> = apps.iter().filter_map(|a| a["id"].as_str()).collect();
    for ent in fake.objects("c1.api.app.v1.AppEntitlement") {
        assert!(app_ids.contains(&ent["appId"].as_str().unwrap()), "{ent}");
    }
    let entitlements = fake.objects("c1.api.app.v1.AppEntitlement");
    let tasks = fake.objects("c1.api.task.v1.Task");
    assert!(tasks.len() >= 3);
    for task in &tasks {
        assert!(
            user_ids.contains(&task["userId"].as_str().unwrap()),
            "{task}"
        );
        for approver in task["stepApproverIds"].as_array().unwrap() {
            assert!(user_ids.contains(&approver.as_str().unwrap()), "{task}");
        }
        let detail = task["type"].as_object().unwrap().values().next().unwrap();
        let ent = entitlements
            .iter()
            .find(|e| e["id"] == detail["appEntitlementId"])
            .unwrap_or_else(|| panic!("{task}: unknown entitlement"));
        assert_eq!(ent["appId"], detail["appId"]);
    }
    for user in &users {
        assert!(user.get("deletedAt").is_none(), "{user}");
        let sourced: Vec<&Value> = user["employeeIdSources"]
            .as_array()
            .map(|s| s.iter().map(|s| &s["value"]).collect())
            .unwrap_or_default();
        let ids: Vec<&Value> = user["employeeIds"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        assert_eq!(ids, sourced, "{user}");
    }
}

#[tokio::test]
async fn find_my_open_tasks_and_approve_one() {
    let fake = fake().await;
    let mine = json!({ "taskStates": ["TASK_STATE_OPEN"], "assigneesInIds": ["user-1"] });
    assert_eq!(
        search_tasks(&fake, mine.clone()).await,
        ["task-1", "task-2"]
    );
    let closed = json!({ "taskStates": ["TASK_STATE_CLOSED"] });
    assert_eq!(search_tasks(&fake, closed.clone()).await, ["task-4"]);

    let (status, answer) = api(
        &fake,
        "POST",
        "/api/v1/tasks/task-1/action/approve",
        json!({ "comment": "fine by me" }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let task = &answer["taskView"]["task"];
    assert_eq!(task["state"], "TASK_STATE_CLOSED");
    assert_eq!(task["type"]["grant"]["outcome"], "GRANT_OUTCOME_GRANTED");
    assert_eq!(task["commentCount"], 1);

    // The stored task changed: get, the searches and the history agree.
    let (_, got) = api(&fake, "GET", "/api/v1/tasks/task-1", json!(null)).await;
    assert_eq!(got["taskView"]["task"]["state"], "TASK_STATE_CLOSED");
    assert_eq!(search_tasks(&fake, mine).await, ["task-2"]);
    assert_eq!(search_tasks(&fake, closed).await, ["task-1", "task-4"]);
    let (status, history) = api(
        &fake,
        "POST",
        "/api/v1/task/audits",
        json!({ "taskId": "task-1" }),
    )
    .await;
    assert_eq!(status, 200, "{history}");
    let entries = history["list"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{history}");
    assert_eq!(entries[0]["comment"]["comment"], "fine by me");
    assert_eq!(entries[0]["currentState"], "TASK_STATE_CLOSED");

    // A closed task cannot be approved again; an unknown one is 404.
    let (status, answer) = api(
        &fake,
        "POST",
        "/api/v1/tasks/task-1/action/approve",
        json!({}),
    )
    .await;
    assert_eq!(
        (status, answer["code"].clone()),
        (400, json!(9)),
        "{answer}"
    );
    let (status, answer) = api(&fake, "POST", "/api/v1/tasks/nope/action/deny", json!({})).await;
    assert_eq!(
        (status, answer["code"].clone()),
        (404, json!(5)),
        "{answer}"
    );
}

#[tokio::test]
async fn deny_reassign_and_create_change_tasks() {
    let fake = fake().await;
    let (_, answer) = api(
        &fake,
        "POST",
        "/api/v1/tasks/task-2/action/reassign",
        json!({ "newStepUserIds": ["user-3"] }),
    )
    .await;
    assert_eq!(
        answer["taskView"]["task"]["stepApproverIds"],
        json!(["user-3"])
    );
    let by_user3 = json!({ "assigneesInIds": ["user-3"], "taskStates": ["TASK_STATE_OPEN"] });
    assert_eq!(search_tasks(&fake, by_user3).await, ["task-2"]);
    let (_, answer) = api(&fake, "POST", "/api/v1/tasks/task-3/action/deny", json!({})).await;
    assert_eq!(
        answer["taskView"]["task"]["type"]["revoke"]["outcome"],
        "REVOKE_OUTCOME_DENIED"
    );

    let request = json!({ "appId": "app-1", "appEntitlementId": "ent-2", "identityUserId": "user-2",
                          "description": "needs to read code" });
    let (status, answer) = api(&fake, "POST", "/api/v1/task/grant", request).await;
    assert_eq!(status, 200, "{answer}");
    let task = &answer["taskView"]["task"];
    assert_eq!(task["state"], "TASK_STATE_OPEN");
    assert_eq!(task["userId"], "user-2");
    assert_eq!(task["type"]["grant"]["appEntitlementId"], "ent-2");
    let id = task["id"].as_str().unwrap();
    let open_for_user2 = json!({ "taskStates": ["TASK_STATE_OPEN"], "subjectIds": ["user-2"] });
    assert_eq!(search_tasks(&fake, open_for_user2).await, ["task-1", id]);
}

#[tokio::test]
async fn one_user_store_behind_every_route() {
    let fake = fake().await;
    fake.add_user(json!({ "id": "user-new", "displayName": "New Person", "email": "new@example.com", "status": "ENABLED" }));
    let (status, got) = api(&fake, "GET", "/api/v1/users/user-new", json!(null)).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["userView"]["user"]["email"], "new@example.com");
    let (_, found) = api(
        &fake,
        "POST",
        "/api/v1/search/users",
        json!({ "email": "NEW@example.com" }),
    )
    .await;
    assert_eq!(ids(&found, &["user"]), ["user-new"]);
    let (_, found) = api(
        &fake,
        "POST",
        "/api/v1/search/users",
        json!({ "query": "person" }),
    )
    .await;
    assert_eq!(ids(&found, &["user"]), ["user-new"]);
    // ConnectorOwnersV2 sees the same user.
    let path = "/api/v2/apps/app-1/connectors/conn-1/owners/users/owner/user-new";
    let (status, answer) = api(
        &fake,
        "POST",
        path,
        json!({ "userRef": { "id": "user-new" } }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["connectorOwnerUser"]["user"]["displayName"],
        "New Person"
    );
    let (status, _) = api(&fake, "GET", "/api/v1/users/nobody", json!(null)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn searches_honour_their_filters() {
    let fake = fake().await;
    let (_, apps) = api(
        &fake,
        "POST",
        "/api/v1/search/apps",
        json!({ "displayName": "github" }),
    )
    .await;
    assert_eq!(ids(&apps, &[]), ["app-1"]);
    let (_, apps) = api(
        &fake,
        "POST",
        "/api/v1/search/apps",
        json!({ "onlyDirectories": true }),
    )
    .await;
    assert_eq!(ids(&apps, &[]), ["app-okta"]);
    let (_, ents) = api(
        &fake,
        "POST",
        "/api/v1/search/entitlements",
        json!({ "appIds": ["app-1"] }),
    )
    .await;
    assert_eq!(ids(&ents, &["appEntitlement"]), ["ent-1", "ent-2"]);
    let (_, ents) = api(&fake, "GET", "/api/v1/apps/app-1/entitlements", json!(null)).await;
    assert_eq!(ids(&ents, &["appEntitlement"]), ["ent-1", "ent-2"]);
    let (_, users) = api(
        &fake,
        "POST",
        "/api/v1/search/users",
        json!({ "userStatuses": ["DISABLED"] }),
    )
    .await;
    assert_eq!(ids(&users, &["user"]), ["user-3"]);
}

#[tokio::test]
async fn reset_load_and_read_the_state() {
    let fake = fake().await;
    let seeded = fake.state();
    let (_, created) = api(
        &fake,
        "POST",
        "/api/v1/apps",
        json!({ "displayName": "Made in a test" }),
    )
    .await;
    let id = created["app"]["id"].as_str().unwrap().to_owned();
    assert!(fake.object("c1.api.app.v1.App", &id).is_some());
    let after = fake.state();
    assert_ne!(after, seeded);

    fake.reset();
    assert!(fake.object("c1.api.app.v1.App", &id).is_none());
    assert_eq!(fake.state(), seeded);

    // The state is a seed: another fake starts from it.
    fake.load_seed(after.clone()).unwrap();
    assert_eq!(fake.state(), after);
    let other = FakeC1::builder().seed(after.clone()).start().await;
    assert_eq!(other.state(), after);
    fake.reset();
    assert_eq!(fake.state(), after, "reset returns to the last loaded seed");

    let bad = json!({ "objects": { "c1.api.app.v1.App": [{ "displayName": "no id" }] } });
    let err = fake.load_seed(bad).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(fake.state(), after, "a refused seed changes nothing");
}

fn grant_pairs(answer: &Value) -> Vec<(String, String)> {
    answer["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let b = &g["appEntitlementUserBinding"];
            let user = b["appUser"]["appUser"]["identityUserId"].as_str().unwrap();
            (
                user.to_owned(),
                b["appEntitlementId"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn approving_a_request_grants_and_approving_a_revocation_revokes() {
    let fake = fake().await;
    let search = |body: Value| {
        let fake = &fake;
        async move {
            let (status, answer) = api(fake, "POST", "/api/v1/search/grants", body).await;
            assert_eq!(status, 200, "{answer}");
            grant_pairs(&answer)
        }
    };
    let of_app1 = json!({ "appIds": ["app-1"] });
    let pair = |u: &str, e: &str| (u.to_owned(), e.to_owned());
    assert_eq!(
        search(of_app1.clone()).await,
        [pair("user-1", "ent-1"), pair("user-2", "ent-2")]
    );
    assert_eq!(
        search(json!({ "userId": "user-1" })).await,
        [pair("user-1", "ent-1"), pair("user-1", "ent/3 y")]
    );
    // task-1: Grace asks for GitHub Admins (ent-1); approving it grants it.
    let (status, _) = api(
        &fake,
        "POST",
        "/api/v1/tasks/task-1/action/approve",
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        search(of_app1).await,
        [
            pair("user-1", "ent-1"),
            pair("user-2", "ent-2"),
            pair("user-2", "ent-1")
        ]
    );
    // task-3: revoke Ada's Payroll access; approving it removes the grant.
    let (status, _) = api(
        &fake,
        "POST",
        "/api/v1/tasks/task-3/action/approve",
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        search(json!({ "userId": "user-1" })).await,
        [pair("user-1", "ent-1")]
    );
    let refs = json!({ "entitlementRefs": [{ "appId": "app-1", "id": "ent-2" }] });
    assert_eq!(search(refs).await, [pair("user-2", "ent-2")]);
}
