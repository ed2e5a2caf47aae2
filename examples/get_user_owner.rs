//! Get one user owner of a connector: `ConnectorOwnersV2::get_user_owner`.
//!
//! With credentials in the environment (`CONDUCTORONE_ACCESS_TOKEN`, or
//! `CONDUCTORONE_CLIENT_ID` + `CONDUCTORONE_CLIENT_SECRET`, and
//! `CONDUCTORONE_SERVER_URL` or a tenant), it asks that tenant:
//!
//! ```sh
//! cargo run --example get_user_owner -- <app_id> <connector_id> <role_slug> <user_ref_id>
//! ```
//!
//! With none set, it starts the embedded fake C1 tenant (`c1-fake`) on
//! loopback, signs in to it with the client credentials the fake issued, and
//! asks it instead.

use c1::ConnectorOwnersV2;

mod support;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let [app_id, connector_id, role_slug, user_ref_id] = support::ids(
        ["app-1", "conn-1", "owner", "user-1"],
        "get_user_owner [<app_id> <connector_id> <role_slug> <user_ref_id>]",
    )?;
    // Keeps the fake (if one was started) alive until the end of main.
    let (client, _fake) = support::connect().await?;

    let response = client
        .get_user_owner(&app_id, &connector_id, &role_slug, &user_ref_id)
        .await?;

    let owner = response.connector_owner_user.as_ref();
    let user = owner.and_then(|o| o.user.as_ref());
    println!(
        "owner of connector {connector_id} (app {app_id}) as {role_slug}: {} <{}>",
        user.and_then(|u| u.display_name.as_deref()).unwrap_or("?"),
        user.and_then(|u| u.email.as_deref()).unwrap_or("?"),
    );
    println!("{}", serde_json::to_string_pretty(&response)?);
    Ok(())
}
