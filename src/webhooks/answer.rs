//! The answers to deliveries: the spec's `c1.webhooks.v1.Response*`
//! documents, built by constructors that check what ConductorOne checks.

use std::fmt;

use serde_json::{Map, Value};

use super::event;
use crate::models::{
    PolicyStep, ResponsePolicyApprovalReplacePolicy, ResponsePolicyApprovalStep,
    ResponsePolicyApprovalStepApprove, ResponsePolicyApprovalStepDeny,
    ResponsePolicyApprovalStepReassign, ResponseProvisionStep, ResponseProvisionStepComplete,
    ResponseProvisionStepErrored, ResponseTest, ResponseWorkflowStep,
};

/// The `version` of every response document.
pub const VERSION: &str = "v1";
/// The longest comment of an answer, in characters.
pub const MAX_COMMENT_CHARS: usize = 1024;
/// The most users a [`reassign`](Answer::reassign) names.
pub const MAX_REASSIGN_USERS: usize = 32;
/// The largest response document: 250 KiB (256,000 bytes).
pub const MAX_ANSWER_BYTES: usize = 250 * 1024;

/// A response document, checked and serialized: the body of a `200`
/// answer to a delivery ([`Delivery::reply`](super::Delivery::reply)), or
/// of its callback ([`Delivery::answer_later`](super::Delivery::answer_later)).
///
/// ```
/// use c1::webhooks::Answer;
///
/// let approve = Answer::approve("within policy")?;
/// assert_eq!(approve.as_str(), r#"{"approve":{"comment":"within policy"},"version":"v1"}"#);
/// assert!(Answer::approve("x".repeat(1025)).is_err());
/// # Ok::<(), c1::webhooks::AnswerError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Answer {
    action: &'static str,
    /// The event types it answers; empty: any.
    answers: &'static [&'static str],
    json: String,
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("action", &self.action)
            .field("bytes", &self.json.len())
            .finish()
    }
}

impl Answer {
    /// Approves a policy step ([`Event::PolicyApprovalStep`](super::Event::PolicyApprovalStep));
    /// an empty comment is left out.
    pub fn approve(comment: impl Into<String>) -> Result<Answer, AnswerError> {
        let approve = ResponsePolicyApprovalStepApprove {
            comment: comment_of(comment.into())?,
        };
        approval(
            "approve",
            ResponsePolicyApprovalStep {
                approve: Some(approve),
                ..Default::default()
            },
        )
    }

    /// Denies a policy step.
    pub fn deny(comment: impl Into<String>) -> Result<Answer, AnswerError> {
        let deny = ResponsePolicyApprovalStepDeny {
            comment: comment_of(comment.into())?,
        };
        approval(
            "deny",
            ResponsePolicyApprovalStep {
                deny: Some(deny),
                ..Default::default()
            },
        )
    }

    /// Reassigns a policy step to 1 to [`MAX_REASSIGN_USERS`] users (their
    /// ConductorOne user ids).
    pub fn reassign<I, S>(comment: impl Into<String>, user_ids: I) -> Result<Answer, AnswerError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let ids: Vec<String> = user_ids.into_iter().map(Into::into).collect();
        if ids.is_empty() {
            return Err(AnswerError::NoUsers);
        }
        if ids.len() > MAX_REASSIGN_USERS {
            return Err(AnswerError::TooManyUsers { count: ids.len() });
        }
        if ids.iter().any(|id| id.trim().is_empty()) {
            return Err(AnswerError::EmptyUserId);
        }
        let reassign = ResponsePolicyApprovalStepReassign {
            comment: comment_of(comment.into())?,
            new_step_user_ids: Some(ids),
        };
        approval(
            "reassign",
            ResponsePolicyApprovalStep {
                reassign: Some(reassign),
                ..Default::default()
            },
        )
    }

    /// Replaces the rest of the task's policy with `steps` (at least one;
    /// the Policy API's steps).
    pub fn replace_policy(
        comment: impl Into<String>,
        steps: Vec<PolicyStep>,
    ) -> Result<Answer, AnswerError> {
        if steps.is_empty() {
            return Err(AnswerError::NoSteps);
        }
        let replace = ResponsePolicyApprovalReplacePolicy {
            comment: comment_of(comment.into())?,
            policy_steps: Some(steps),
        };
        approval(
            "replace_policy",
            ResponsePolicyApprovalStep {
                replace_policy: Some(replace),
                ..Default::default()
            },
        )
    }

    /// Provisioning done ([`Event::ProvisionStep`](super::Event::ProvisionStep)).
    pub fn complete(comment: impl Into<String>) -> Result<Answer, AnswerError> {
        let complete = ResponseProvisionStepComplete {
            comment: comment_of(comment.into())?,
        };
        provision(
            "complete",
            ResponseProvisionStep {
                complete: Some(complete),
                ..Default::default()
            },
        )
    }

    /// Provisioning failed.
    pub fn errored(comment: impl Into<String>) -> Result<Answer, AnswerError> {
        let errored = ResponseProvisionStepErrored {
            comment: comment_of(comment.into())?,
        };
        provision(
            "errored",
            ResponseProvisionStep {
                errored: Some(errored),
                ..Default::default()
            },
        )
    }

    /// An automation step's result ([`Event::WorkflowStep`](super::Event::WorkflowStep)):
    /// `context` is handed to the automation's later steps.
    pub fn context(context: Map<String, Value>) -> Result<Answer, AnswerError> {
        let document = ResponseWorkflowStep {
            context: Some(context),
            version: Some(VERSION.to_owned()),
        };
        Answer::new("context", &[event::WORKFLOW_STEP], &document)
    }

    /// The answer to a test delivery ([`Event::Test`](super::Event::Test)):
    /// `{"version": "v1"}`.
    pub fn test() -> Answer {
        let document = ResponseTest {
            version: Some(VERSION.to_owned()),
        };
        Answer::known("test", &[event::TEST], &document)
    }

    /// `{"version": "v1"}`: the answer to an event that only needs to be
    /// received (a test, a policy post action, a finding dispatch, or an
    /// event type c1 does not know).
    pub fn acknowledge() -> Answer {
        let document = ResponseTest {
            version: Some(VERSION.to_owned()),
        };
        Answer::known("acknowledge", &[], &document)
    }

    /// What it does: `approve`, `deny`, `reassign`, `replace_policy`,
    /// `complete`, `errored`, `context`, `test` or `acknowledge`.
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// The document, JSON.
    pub fn as_str(&self) -> &str {
        &self.json
    }

    /// The document, JSON bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.json.as_bytes()
    }

    /// The document, JSON.
    pub fn into_string(self) -> String {
        self.json
    }

    /// Whether it answers a delivery of `event_type` (any answer goes for
    /// an event type c1 does not know).
    pub fn answers(&self, event_type: &str) -> bool {
        let known = [
            event::TEST,
            event::POLICY_APPROVAL_STEP,
            event::POLICY_POST_ACTION,
            event::PROVISION_STEP,
            event::WORKFLOW_STEP,
            event::FINDING_DISPATCH,
        ];
        match self.answers {
            [] => !matches!(
                event_type,
                event::POLICY_APPROVAL_STEP | event::PROVISION_STEP | event::WORKFLOW_STEP
            ),
            types => types.contains(&event_type) || !known.contains(&event_type),
        }
    }

    fn new(
        action: &'static str,
        answers: &'static [&'static str],
        document: &impl serde::Serialize,
    ) -> Result<Answer, AnswerError> {
        // The models serialize to JSON without fail: strings, numbers,
        // objects with string keys.
        let json = serde_json::to_string(document).unwrap_or_default();
        if json.len() > MAX_ANSWER_BYTES {
            return Err(AnswerError::TooLarge { bytes: json.len() });
        }
        Ok(Answer {
            action,
            answers,
            json,
        })
    }

    /// A document known to be small.
    fn known(
        action: &'static str,
        answers: &'static [&'static str],
        document: &impl serde::Serialize,
    ) -> Answer {
        Answer {
            action,
            answers,
            json: serde_json::to_string(document).unwrap_or_default(),
        }
    }
}

fn approval(
    action: &'static str,
    mut document: ResponsePolicyApprovalStep,
) -> Result<Answer, AnswerError> {
    document.version = Some(VERSION.to_owned());
    Answer::new(action, &[event::POLICY_APPROVAL_STEP], &document)
}

fn provision(
    action: &'static str,
    mut document: ResponseProvisionStep,
) -> Result<Answer, AnswerError> {
    document.version = Some(VERSION.to_owned());
    Answer::new(action, &[event::PROVISION_STEP], &document)
}

/// The comment field: none when empty.
fn comment_of(comment: String) -> Result<Option<String>, AnswerError> {
    let chars = comment.chars().count();
    if chars > MAX_COMMENT_CHARS {
        return Err(AnswerError::CommentTooLong { chars });
    }
    Ok((!comment.is_empty()).then_some(comment))
}

/// Why an answer cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnswerError {
    /// The comment is longer than [`MAX_COMMENT_CHARS`].
    CommentTooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// A reassignment names no user.
    NoUsers,
    /// A reassignment names more than [`MAX_REASSIGN_USERS`] users.
    TooManyUsers {
        /// How many it names.
        count: usize,
    },
    /// A reassignment names an empty user id.
    EmptyUserId,
    /// A policy replacement has no step.
    NoSteps,
    /// The document is larger than [`MAX_ANSWER_BYTES`].
    TooLarge {
        /// Its size.
        bytes: usize,
    },
    /// The answer does not answer the delivery's event type (an approval
    /// for a provisioning step, say).
    WrongEvent {
        /// The answer's [`action`](Answer::action).
        action: &'static str,
        /// The delivery's event type.
        event_type: String,
    },
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerError::CommentTooLong { chars } => write!(
                f,
                "the comment is {chars} characters long, over the limit of {MAX_COMMENT_CHARS}"
            ),
            AnswerError::NoUsers => f.write_str("a reassignment must name at least one user"),
            AnswerError::TooManyUsers { count } => write!(
                f,
                "a reassignment names {count} users, over the limit of {MAX_REASSIGN_USERS}"
            ),
            AnswerError::EmptyUserId => f.write_str("a reassignment names an empty user id"),
            AnswerError::NoSteps => f.write_str("a policy replacement must have at least one step"),
            AnswerError::TooLarge { bytes } => write!(
                f,
                "the response document is {bytes} bytes, over the limit of {MAX_ANSWER_BYTES}"
            ),
            AnswerError::WrongEvent { action, event_type } => write!(
                f,
                "`{action}` does not answer a `{}` delivery",
                crate::webhooks::shown_event_type(event_type)
            ),
        }
    }
}

impl std::error::Error for AnswerError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_of(answer: &Answer) -> Value {
        serde_json::from_str(answer.as_str()).unwrap()
    }

    #[test]
    fn documents_have_the_spec_shape() {
        assert_eq!(
            json_of(&Answer::deny("").unwrap()),
            json!({"version": "v1", "deny": {}})
        );
        assert_eq!(
            json_of(&Answer::reassign("to the team", ["u1", "u2"]).unwrap()),
            json!({"version": "v1", "reassign": {"comment": "to the team", "newStepUserIds": ["u1", "u2"]}})
        );
        assert_eq!(
            json_of(&Answer::complete("done").unwrap()),
            json!({"version": "v1", "complete": {"comment": "done"}})
        );
        assert_eq!(
            json_of(&Answer::errored("no such account").unwrap()),
            json!({"version": "v1", "errored": {"comment": "no such account"}})
        );
        let context = json!({"ticket": "T-1"}).as_object().unwrap().clone();
        assert_eq!(
            json_of(&Answer::context(context).unwrap()),
            json!({"version": "v1", "context": {"ticket": "T-1"}})
        );
        assert_eq!(json_of(&Answer::test()), json!({"version": "v1"}));
        let step = PolicyStep::default();
        assert_eq!(
            json_of(&Answer::replace_policy("", vec![step]).unwrap()),
            json!({"version": "v1", "replacePolicy": {"policySteps": [{}]}})
        );
    }

    #[test]
    fn constructors_check_what_the_tenant_checks() {
        assert_eq!(
            Answer::approve("é".repeat(1025)).unwrap_err(),
            AnswerError::CommentTooLong { chars: 1025 }
        );
        assert!(Answer::approve("é".repeat(1024)).is_ok());
        assert_eq!(
            Answer::reassign("", Vec::<String>::new()).unwrap_err(),
            AnswerError::NoUsers
        );
        let ids: Vec<String> = (0..33).map(|i| format!("u{i}")).collect();
        assert_eq!(
            Answer::reassign("", ids.clone()).unwrap_err(),
            AnswerError::TooManyUsers { count: 33 }
        );
        assert!(Answer::reassign("", ids[..32].to_vec()).is_ok());
        assert_eq!(
            Answer::reassign("", [" "]).unwrap_err(),
            AnswerError::EmptyUserId
        );
        assert_eq!(
            Answer::replace_policy("", vec![]).unwrap_err(),
            AnswerError::NoSteps
        );
        let mut big = Map::new();
        big.insert("blob".into(), json!("x".repeat(MAX_ANSWER_BYTES)));
        assert!(matches!(
            Answer::context(big).unwrap_err(),
            AnswerError::TooLarge { bytes } if bytes > MAX_ANSWER_BYTES
        ));
    }

    #[test]
    fn answers_fit_their_events() {
        let approve = Answer::approve("").unwrap();
        assert!(approve.answers(event::POLICY_APPROVAL_STEP));
        assert!(!approve.answers(event::PROVISION_STEP));
        assert!(approve.answers("c1.webhooks.v1.PayloadSomethingNew"));
        let ack = Answer::acknowledge();
        for ok in [
            event::TEST,
            event::POLICY_POST_ACTION,
            event::FINDING_DISPATCH,
            "x.New",
        ] {
            assert!(ack.answers(ok), "{ok}");
        }
        assert!(!ack.answers(event::PROVISION_STEP));
        assert!(Answer::test().answers(event::TEST));
        assert!(!Answer::test().answers(event::WORKFLOW_STEP));
    }
}
