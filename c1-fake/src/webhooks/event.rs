//! The events the fake delivers: an event type and its payload.

use serde_json::{Map, Value, json};

/// The event of a delivery: its type (`c1.webhooks.v1.PayloadPolicyApprovalStep`) and its
/// payload, sent as a `google.protobuf.Any` (`"@type": "type.googleapis.com/<type>"`).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    event_type: String,
    payload: Map<String, Value>,
}

impl WebhookEvent {
    /// An event of any type with this payload (a JSON object; `@type` is added).
    ///
    /// # Panics
    /// If `payload` is neither a JSON object nor `null`.
    pub fn new(event_type: &str, payload: Value) -> WebhookEvent {
        let mut payload = match payload {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            other => panic!("c1-fake: a webhook payload must be a JSON object, not {other}"),
        };
        payload.insert(
            "@type".into(),
            json!(format!("type.googleapis.com/{event_type}")),
        );
        WebhookEvent {
            event_type: event_type.to_owned(),
            payload,
        }
    }

    /// A test delivery (`c1.webhooks.v1.PayloadTest`, empty).
    pub fn test() -> WebhookEvent {
        WebhookEvent::new("c1.webhooks.v1.PayloadTest", Value::Null)
    }

    /// A policy step asking the webhook to decide (`PayloadPolicyApprovalStep`) about
    /// `task` (a `c1.api.task.v1.Task`, sent as `taskView.task`).
    pub fn policy_approval_step(task: Value) -> WebhookEvent {
        WebhookEvent::new(
            "c1.webhooks.v1.PayloadPolicyApprovalStep",
            json!({ "taskView": { "task": task }, "expanded": [] }),
        )
    }

    /// Provisioning by webhook (`PayloadProvisionStep`) for `task`.
    pub fn provision_step(task: Value) -> WebhookEvent {
        WebhookEvent::new(
            "c1.webhooks.v1.PayloadProvisionStep",
            json!({ "taskView": { "task": task }, "expanded": [] }),
        )
    }

    /// A policy's post action (`PayloadPolicyPostAction`) for `task`.
    pub fn policy_post_action(task: Value) -> WebhookEvent {
        WebhookEvent::new(
            "c1.webhooks.v1.PayloadPolicyPostAction",
            json!({ "taskView": { "task": task }, "expanded": [] }),
        )
    }

    /// An automation's "Run webhook" step (`PayloadWorkflowStep`) with its `context`.
    pub fn workflow_step(workflow_id: &str, execution_id: i64, context: Value) -> WebhookEvent {
        WebhookEvent::new(
            "c1.webhooks.v1.PayloadWorkflowStep",
            json!({
                "workflowId": workflow_id,
                "workflowExecutionId": execution_id.to_string(),
                "workflowExecutionStepId": "step-1",
                "context": context,
            }),
        )
    }

    /// The event type.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The payload, `@type` included.
    pub fn payload(&self) -> &Map<String, Value> {
        &self.payload
    }
}
