//! Manage the user owners of a connector: create -> get -> list (a stream
//! over every page) -> delete, with `ConnectorOwnersV2`.
//!
//! With credentials in the environment (see `get_user_owner`), it works on
//! that tenant:
//!
//! ```sh
//! cargo run --example manage_owners -- <app_id> <connector_id> <role_slug> <user_id>
//! ```
//!
//! With none set, it runs against the embedded fake C1 tenant (`c1-fake`),
//! signing in with the client credentials the fake issued.

use c1::ConnectorOwnersV2;
use c1::models::{CreateConnectorUserOwnerRequest, DeleteConnectorUserOwnerRequest, UserRef};
use futures_util::{StreamExt, TryStreamExt};

mod support;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let [app, connector, role, user] = support::ids(
        ["app-1", "conn-1", "owner", "user-2"],
        "manage_owners [<app_id> <connector_id> <role_slug> <user_id>]",
    )?;
    // Keeps the fake (if one was started) alive until the end of main.
    let (client, _fake) = support::connect().await?;

    let created = client
        .create_user_owner(
            &app,
            &connector,
            &role,
            &user,
            &CreateConnectorUserOwnerRequest::new(UserRef::new(&user)),
        )
        .await?;
    println!(
        "created: {}",
        describe(created.connector_owner_user.as_ref())
    );

    let fetched = client
        .get_user_owner(&app, &connector, &role, &user)
        .await?;
    println!(
        "fetched: {}",
        describe(fetched.connector_owner_user.as_ref())
    );

    // Every owner of the connector, one page of 10 at a time, fetched only as
    // the stream is consumed.
    let mut owners = client.search_user_owners_stream(&app, &connector, None, 10);
    let mut count = 0;
    while let Some(owner) = owners.try_next().await? {
        count += 1;
        println!("  owner {count}: {}", describe(Some(&owner)));
    }

    client
        .delete_user_owner(
            &app,
            &connector,
            &role,
            &user,
            &DeleteConnectorUserOwnerRequest::new(UserRef::new(&user)),
        )
        .await?;
    println!("deleted {user} as {role}");

    // Gone now: the API answers 404, which c1 returns as a typed error.
    match client.get_user_owner(&app, &connector, &role, &user).await {
        Err(err) if err.is_not_found() => println!("after delete: {err}"),
        other => return Err(format!("expected 404 after delete, got {other:?}").into()),
    }

    let remaining = client
        .search_user_owners_stream(&app, &connector, None, 10)
        .count()
        .await;
    println!("{remaining} owner(s) left");
    Ok(())
}

fn describe(owner: Option<&c1::models::ConnectorOwnerUser>) -> String {
    let Some(owner) = owner else {
        return "(no owner in the answer)".into();
    };
    let user = owner.user.as_ref();
    format!(
        "{} <{}> as {}",
        user.and_then(|u| u.display_name.as_deref()).unwrap_or("?"),
        user.and_then(|u| u.email.as_deref()).unwrap_or("?"),
        owner.role_slug.as_deref().unwrap_or("?"),
    )
}
