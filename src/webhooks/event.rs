//! The events of a delivery, typed from the spec's `c1.webhooks.v1.Payload*`.

use serde_json::{Map, Value};

use crate::models::{
    PayloadFindingDispatch, PayloadPolicyApprovalStep, PayloadPolicyPostAction,
    PayloadProvisionStep, PayloadTest, PayloadWorkflowStep, TaskView,
};

/// The event type of a test delivery (a manual test of the webhook).
pub const TEST: &str = "c1.webhooks.v1.PayloadTest";
/// The event type of a policy step that asks the webhook to approve, deny,
/// reassign or replace the policy.
pub const POLICY_APPROVAL_STEP: &str = "c1.webhooks.v1.PayloadPolicyApprovalStep";
/// The event type of a policy's post action.
pub const POLICY_POST_ACTION: &str = "c1.webhooks.v1.PayloadPolicyPostAction";
/// The event type of provisioning by webhook.
pub const PROVISION_STEP: &str = "c1.webhooks.v1.PayloadProvisionStep";
/// The event type of an automation's "Run webhook" step.
pub const WORKFLOW_STEP: &str = "c1.webhooks.v1.PayloadWorkflowStep";
/// The event type of a finding routed to a webhook.
pub const FINDING_DISPATCH: &str = "c1.webhooks.v1.PayloadFindingDispatch";

/// The `@type` prefix of a payload (a `google.protobuf.Any`).
pub(crate) const TYPE_URL_PREFIX: &str = "type.googleapis.com/";

/// What a delivery is about: its payload, typed by its event type.
///
/// An event type this version of c1 does not know is kept as
/// [`Event::Other`], not refused, so a receiver can answer it (or log it)
/// when ConductorOne adds one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// [`TEST`]: answer with [`Answer::test`](super::Answer::test).
    Test(PayloadTest),
    /// [`POLICY_APPROVAL_STEP`]: answer with
    /// [`approve`](super::Answer::approve), [`deny`](super::Answer::deny),
    /// [`reassign`](super::Answer::reassign) or
    /// [`replace_policy`](super::Answer::replace_policy).
    PolicyApprovalStep(Box<PayloadPolicyApprovalStep>),
    /// [`POLICY_POST_ACTION`]: answer with
    /// [`acknowledge`](super::Answer::acknowledge).
    PolicyPostAction(Box<PayloadPolicyPostAction>),
    /// [`PROVISION_STEP`]: answer with [`complete`](super::Answer::complete)
    /// or [`errored`](super::Answer::errored).
    ProvisionStep(Box<PayloadProvisionStep>),
    /// [`WORKFLOW_STEP`]: answer with [`context`](super::Answer::context).
    WorkflowStep(Box<PayloadWorkflowStep>),
    /// [`FINDING_DISPATCH`]: answer with
    /// [`acknowledge`](super::Answer::acknowledge).
    FindingDispatch(Box<PayloadFindingDispatch>),
    /// An event type c1 does not know, with its payload as sent (`@type`
    /// included).
    Other {
        /// The event type (`c1.webhooks.v1.PayloadSomethingNew`).
        event_type: String,
        /// The payload.
        payload: Map<String, Value>,
    },
}

impl Event {
    /// The task the event is about: the `taskView` of a policy approval
    /// step, a post action or a provisioning step.
    pub fn task_view(&self) -> Option<&TaskView> {
        match self {
            Event::PolicyApprovalStep(p) => p.task_view.as_ref(),
            Event::PolicyPostAction(p) => p.task_view.as_ref(),
            Event::ProvisionStep(p) => p.task_view.as_ref(),
            _ => None,
        }
    }

    /// The payload of `event_type`, typed; `Err` says why it does not have
    /// its event's shape, without quoting it.
    pub(crate) fn decode(event_type: &str, payload: Map<String, Value>) -> Result<Event, String> {
        fn typed<T: serde::de::DeserializeOwned>(
            event_type: &str,
            payload: Map<String, Value>,
        ) -> Result<T, String> {
            serde_json::from_value(Value::Object(payload)).map_err(|e| {
                format!(
                    "the payload does not have the shape of a `{event_type}` ({:?} error)",
                    e.classify()
                )
            })
        }
        Ok(match event_type {
            TEST => Event::Test(typed(event_type, payload)?),
            POLICY_APPROVAL_STEP => Event::PolicyApprovalStep(typed(event_type, payload)?),
            POLICY_POST_ACTION => Event::PolicyPostAction(typed(event_type, payload)?),
            PROVISION_STEP => Event::ProvisionStep(typed(event_type, payload)?),
            WORKFLOW_STEP => Event::WorkflowStep(typed(event_type, payload)?),
            FINDING_DISPATCH => Event::FindingDispatch(typed(event_type, payload)?),
            other => Event::Other {
                event_type: other.to_owned(),
                payload,
            },
        })
    }
}
