//! Tasks as the tenant runs them: a create opens a task of its type, and each action
//! changes the stored task (state, outcome, approvers, comments) and adds to its history,
//! which `TaskAudit.List` answers.

use serde_json::{Map, Value, json};

use crate::status::ApiError;

const OPEN: &str = "TASK_STATE_OPEN";
const CLOSED: &str = "TASK_STATE_CLOSED";

/// A task just created by `op_id`: open, of the type the operation names, about the
/// request's user, app and entitlement.
pub(crate) fn opened(task: &mut Value, op_id: &str, body: &Value) {
    let kind = match op_id.rsplit('.').next() {
        Some("CreateGrantTask") => "grant",
        Some("CreateRevokeTask") => "revoke",
        Some("CreateOffboardingTask") => "offboarding",
        _ => "action",
    };
    let mut detail = Map::new();
    if matches!(kind, "grant" | "revoke") {
        for field in ["appEntitlementId", "appId", "appUserId", "identityUserId"] {
            if let Some(v) = body.get(field).filter(|v| v.is_string()) {
                detail.insert(field.into(), v.clone());
            }
        }
        let outcome = if kind == "grant" {
            "GRANT_OUTCOME_UNSPECIFIED"
        } else {
            "REVOKE_OUTCOME_UNSPECIFIED"
        };
        detail.insert("outcome".into(), json!(outcome));
    }
    task["state"] = json!(OPEN);
    task["origin"] = json!("TASK_ORIGIN_API");
    task["processing"] = json!("TASK_PROCESSING_TYPE_WAITING");
    task["type"] = json!({ kind: detail });
    if let Some(user) = body.get("identityUserId").filter(|v| v.is_string()) {
        task["userId"] = user.clone();
    }
}

/// Apply action `op_id` (`...TaskActionsService.Approve`, ...) to a stored task.
pub(crate) fn act(task: &mut Value, op_id: &str, body: &Value, now: &str) -> Result<(), ApiError> {
    let action = op_id.rsplit('.').next().unwrap_or_default();
    let open = task["state"] == OPEN;
    let refuse = || {
        ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            9,
            format!("task is closed: {action} needs an open task"),
        )
    };
    match action {
        "Approve" | "ApproveWithStepUp" => {
            if !open {
                return Err(refuse());
            }
            close(task, "GRANTED", "REVOKED", now);
        }
        "Deny" => {
            if !open {
                return Err(refuse());
            }
            close(task, "DENIED", "DENIED", now);
        }
        "Close" => {
            if !open {
                return Err(refuse());
            }
            close(task, "CANCELLED", "CANCELLED", now);
        }
        "Reassign" => {
            let users = body.get("newStepUserIds").and_then(Value::as_array);
            let Some(users) = users.filter(|u| !u.is_empty()) else {
                return Err(ApiError::invalid("reassign needs newStepUserIds"));
            };
            if !open {
                return Err(refuse());
            }
            task["stepApproverIds"] = Value::Array(users.clone());
        }
        "Restart" | "HardReset" => {
            task["state"] = json!(OPEN);
            task["processing"] = json!("TASK_PROCESSING_TYPE_WAITING");
        }
        _ => {}
    }
    if body
        .get("comment")
        .and_then(Value::as_str)
        .is_some_and(|c| !c.is_empty())
    {
        let count = task["commentCount"].as_i64().unwrap_or(0);
        task["commentCount"] = json!(count + 1);
    }
    task["updatedAt"] = json!(now);
    Ok(())
}

/// Close the task with the grant or revoke outcome its type takes.
fn close(task: &mut Value, grant: &str, revoke: &str, now: &str) {
    task["state"] = json!(CLOSED);
    task["processing"] = json!("TASK_PROCESSING_TYPE_DONE");
    for (kind, outcome) in [("grant", grant), ("revoke", revoke)] {
        if let Some(detail) = task["type"].get_mut(kind).and_then(Value::as_object_mut) {
            let prefix = kind.to_uppercase();
            detail.insert(
                "outcome".into(),
                json!(format!("{prefix}_OUTCOME_{outcome}")),
            );
            detail.insert("outcomeTime".into(), json!(now));
        }
    }
}

/// One history entry (a `TaskAuditView`) for an action on the task.
pub(crate) fn audit_entry(id: String, task: &Value, body: &Value, now: &str) -> Value {
    let mut entry = json!({
        "id": id,
        "created": now,
        "currentState": task["state"],
        "eventType": "TASK_AUDIT_EVENT_TYPE_NEUTRAL",
        "source": "SOURCE_C1",
    });
    if let Some(comment) = body
        .get("comment")
        .filter(|c| c.as_str().is_some_and(|c| !c.is_empty()))
    {
        entry["comment"] = json!({ "comment": comment, "updatedAt": now });
    }
    entry
}
