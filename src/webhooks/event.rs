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

    /// The event of `body`, a delivery of `event_type` whose payload is
    /// `payload`: typed, read from the body's bytes (as the API's answers
    /// are read, so the models' decoding is compiled once for both); `Err`
    /// says why it does not have its event's shape, without quoting it.
    pub(crate) fn decode(
        event_type: &str,
        body: &[u8],
        payload: Map<String, Value>,
    ) -> Result<Event, String> {
        /// The envelope with its payload typed; the other members are read
        /// elsewhere.
        #[derive(serde::Deserialize)]
        struct Envelope<P> {
            payload: Option<P>,
        }
        fn typed<P: serde::de::DeserializeOwned + Default>(
            event_type: &str,
            body: &[u8],
        ) -> Result<P, String> {
            match serde_json::from_slice::<Envelope<P>>(body) {
                Ok(envelope) => Ok(envelope.payload.unwrap_or_default()),
                Err(e) => Err(format!(
                    "the payload does not have the shape of a `{event_type}` ({:?} error at line {}, \
                     column {})",
                    e.classify(),
                    e.line(),
                    e.column()
                )),
            }
        }
        Ok(match event_type {
            TEST => Event::Test(typed(event_type, body)?),
            POLICY_APPROVAL_STEP => Event::PolicyApprovalStep(Box::new(typed(event_type, body)?)),
            POLICY_POST_ACTION => Event::PolicyPostAction(Box::new(typed(event_type, body)?)),
            PROVISION_STEP => Event::ProvisionStep(Box::new(typed(event_type, body)?)),
            WORKFLOW_STEP => Event::WorkflowStep(Box::new(typed(event_type, body)?)),
            FINDING_DISPATCH => Event::FindingDispatch(Box::new(typed(event_type, body)?)),
            other => Event::Other {
                event_type: other.to_owned(),
                payload,
            },
        })
    }
}
