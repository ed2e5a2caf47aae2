//! Grants: which user holds which app entitlement, through which app account. Kept as
//! records (`appId`, `appEntitlementId`, `appUserId`, `userId`, `createdAt`,
//! `originatingTicketId`), made by approving a grant task (removed by approving a
//! revocation) or seeded, and answered by `AppEntitlementSearch.search_grants`.

use serde_json::{Value, json};

use crate::filters::{Req, text};
use crate::objects::{self, Objects};

/// What [`crate::stateful_operations`] names the grants' store.
pub(crate) const FAMILY: &str = "c1.api.app.v1.AppEntitlementUserBinding";

/// `AppEntitlementSearch.search_grants`.
pub(crate) const SEARCH: &str = "c1.api.app.v1.AppEntitlementSearchService.SearchGrants";

/// The grants the request's filters keep (`appIds`, `appUserIds`, `userId`,
/// `entitlementRefs`), as the search answers them: each with its entitlement and
/// binding.
pub(crate) fn search(objects: &Objects, body: &Value) -> Value {
    let req = Req(body);
    let items: Vec<Value> = objects
        .grants
        .iter()
        .filter(|g| {
            req.one_of("appIds", text(g, "appId"))
                && req.one_of("appUserIds", text(g, "appUserId"))
                && req.is("userId", text(g, "userId"))
                && req.in_refs("entitlementRefs", |r| {
                    r["appId"] == g["appId"] && r["id"] == g["appEntitlementId"]
                })
        })
        .map(|g| answer(objects, g))
        .collect();
    json!({ "list": items, "nextPageToken": "" })
}

/// One grant as an `AppEntitlementWithUserBinding`.
fn answer(objects: &Objects, grant: &Value) -> Value {
    let ent_id = grant["appEntitlementId"].as_str().unwrap_or_default();
    let entitlement = objects
        .get(objects::APP_ENTITLEMENT, ent_id)
        .cloned()
        .unwrap_or_else(|| json!({ "id": ent_id, "appId": grant["appId"] }));
    let user = grant["userId"]
        .as_str()
        .and_then(|id| objects.get(objects::USER, id));
    let mut app_user = json!({
        "id": grant["appUserId"],
        "appId": grant["appId"],
        "identityUserId": grant["userId"],
    });
    if let Some(user) = user {
        for field in ["displayName", "email", "username"] {
            if let Some(v) = user.get(field) {
                app_user[field] = v.clone();
            }
        }
    }
    let mut binding = json!({
        "appId": grant["appId"],
        "appEntitlementId": ent_id,
        "appUserId": grant["appUserId"],
        "appEntitlementUserBindingCreatedAt": grant["createdAt"],
        "appUser": { "appUser": app_user },
    });
    if let Some(ticket) = grant.get("originatingTicketId").filter(|t| t.is_string()) {
        binding["originatingTicketId"] = ticket.clone();
    }
    json!({
        "entitlement": { "appEntitlement": entitlement },
        "appEntitlementUserBinding": binding,
    })
}

/// What approving task `task` does to the grants: a grant task adds its grant (once), a
/// revocation removes it.
pub(crate) fn on_approval(objects: &mut Objects, task: &Value, now: &str) {
    let (kind, detail) = match task["type"].as_object().and_then(|t| t.iter().next()) {
        Some((kind, detail)) => (kind.as_str(), detail),
        None => return,
    };
    let user = detail["identityUserId"]
        .as_str()
        .or(task["userId"].as_str())
        .unwrap_or_default();
    let (app, ent) = (&detail["appId"], &detail["appEntitlementId"]);
    let same =
        |g: &Value| g["appId"] == *app && g["appEntitlementId"] == *ent && g["userId"] == user;
    match kind {
        "grant" if !objects.grants.iter().any(same) => {
            let app_user = detail["appUserId"].as_str().map_or_else(
                || format!("{}:{user}", app.as_str().unwrap_or_default()),
                str::to_owned,
            );
            objects.grants.push(json!({
                "appId": app, "appEntitlementId": ent, "appUserId": app_user,
                "userId": user, "createdAt": now, "originatingTicketId": task["numericId"],
            }));
        }
        "revoke" => objects.grants.retain(|g| !same(g)),
        _ => {}
    }
}
