//! c1 against c1-fake's stateful tenant, as a user's admin tool runs: find my
//! open tasks and approve one, create an app and read it back, handle a
//! not-found. Every call goes through the generated API over loopback HTTP.

#![cfg(feature = "full")]

use c1::models::{
    CreateAppRequest, TaskActionsServiceApproveRequest, TaskSearchRequest, TaskState,
};
use c1::prelude::*;
use c1_fake::FakeC1;

async fn fake_and_client() -> (FakeC1, Client) {
    let fake = FakeC1::start().await;
    fake.add_bearer_token("tenant");
    let client = Client::builder()
        .base_url(fake.base_url())
        .bearer_token("tenant")
        .build()
        .unwrap();
    (fake, client)
}

fn open_tasks_of(user: &str) -> TaskSearchRequest {
    TaskSearchRequest::default()
        .task_states([TaskState::Open])
        .assignees_in_ids([user.to_owned()])
}

fn task_ids(page: &c1::models::TaskSearchResponse) -> Vec<String> {
    page.list
        .iter()
        .flatten()
        .filter_map(|view| view.task.as_ref()?.id.clone())
        .collect()
}

#[tokio::test]
async fn find_my_open_tasks_and_approve_one() {
    let (fake, client) = fake_and_client().await;
    let page = client
        .task_search()
        .search(&open_tasks_of("user-1"))
        .await
        .unwrap();
    let mine = task_ids(&page);
    assert_eq!(mine, ["task-1", "task-2"]);

    let approval =
        TaskActionsServiceApproveRequest::default().comment("approved by the admin tool");
    let approved = client
        .task_actions()
        .approve(&mine[0], &approval)
        .await
        .unwrap();
    let task = approved.task_view.unwrap().task.unwrap();
    assert_eq!(task.state, Some(TaskState::Closed));

    let page = client
        .task_search()
        .search(&open_tasks_of("user-1"))
        .await
        .unwrap();
    assert_eq!(task_ids(&page), ["task-2"]);
    let stored = fake.object("c1.api.task.v1.Task", "task-1").unwrap();
    assert_eq!(stored["state"], "TASK_STATE_CLOSED");
    assert_eq!(stored["commentCount"], 1);
}

#[tokio::test]
async fn what_is_created_is_read_back_and_a_missing_app_is_not_found() {
    let (_fake, client) = fake_and_client().await;
    let create = CreateAppRequest::new("Payroll").description("Pays people");
    let created = client.apps().create(&create).await.unwrap().app.unwrap();
    let id = created.id.clone().unwrap();
    let got = client.apps().get(&id).await.unwrap().app.unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Payroll"));
    assert_eq!(got.description.as_deref(), Some("Pays people"));

    let err = client.apps().get("no-such-app").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.api_status().map(|s| s.code), Some(5), "{err}");
}
