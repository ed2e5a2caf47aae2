// A service whose cargo feature is off: its handle's accessor still
// resolves, and calling it is one error naming the feature to enable; the
// method called on the handle adds no error of its own.

use c1::prelude::*;

async fn approve(client: &c1::Client, task_id: &str, request: &()) -> c1::Result<()> {
    client.task_actions().approve(task_id, request).await?;
    let app = client.apps().get("app-1").await?;
    let apps = client.apps();
    let _ = (app, apps);
    Ok(())
}

fn main() {
    let _ = approve;
}
