//! Provision policies: how a grant of an entitlement is provisioned or revoked.
//!
//! The spec's oneofs (`ProvisionPolicy`, `ProvisionerAssignment`, ...) are
//! structs of optional fields: exactly one is set by the server, and a kind
//! this version of c1 does not know leaves them all `None` instead of failing.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Provision by calling an account lifecycle action.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ActionProvision {
    /// The name of the action to call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_name: Option<String>,
    /// The id of the app of the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The id of the connector that runs the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
    /// The display name of the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// AppOwnerProvisioner resolves to app owners.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppOwnerProvisioner {
    /// Whether the provisioner can reassign the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_reassignment: Option<bool>,
    /// Fallback user IDs if no app owners are found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_user_ids: Option<Vec<String>>,
}

/// Provision through a connector (a oneof: `default_behavior`, `account`, `delete_account`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectorProvision {
    /// Create an account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountProvision>,
    /// The connector's default provisioning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_behavior: Option<DefaultBehavior>,
    /// Delete the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_account: Option<DeleteAccount>,
}

/// Provision by creating an account; where its credentials go is a oneof.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccountProvision {
    /// The account provisioning configuration (free-form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Map<String, Value>>,
    /// The id of the connector that creates the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
    /// Do not store the new credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub do_not_save: Option<DoNotSave>,
    /// Store the new credentials in vaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub save_to_vault: Option<SaveToVault>,
    /// The id of the account schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_id: Option<String>,
}

/// The connector's default provisioning.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DefaultBehavior {
    /// this checks if the entitlement is enabled by provisioning in a specific connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
}

/// Provision by deleting the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeleteAccount {
    /// The id of the connector that deletes the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
}

/// Do not store the credentials of a new account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DoNotSave {}

/// Store the credentials of a new account in vaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SaveToVault {
    /// The ids of the vaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_ids: Option<Vec<String>>,
}

/// Delegate provisioning to another app entitlement's configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DelegatedProvision {
    /// The AppID of the entitlement to delegate provisioning to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The ID of the entitlement we are delegating provisioning to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement_id: Option<String>,
    /// If true, a binding will be automatically created from the entitlement of the parent app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implicit: Option<bool>,
}

/// Provisioned by a member device producing an MLS Welcome; not human-actionable.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DevicePlacementProvision {
    /// The id of the vault boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_boundary_id: Option<String>,
}

/// EntitlementOwnerProvisioner resolves to entitlement owners.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EntitlementOwnerProvisioner {
    /// Whether the provisioner can reassign the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_reassignment: Option<bool>,
    /// Fallback user IDs if no entitlement owners are found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_user_ids: Option<Vec<String>>,
}

/// ExpressionProvisioner evaluates CEL expressions to determine provisioners.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExpressionProvisioner {
    /// Whether the provisioner can reassign the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_reassignment: Option<bool>,
    /// The CEL expressions to evaluate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expressions: Option<Vec<String>>,
    /// Fallback user IDs if expression evaluation yields no users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_user_ids: Option<Vec<String>>,
}

/// Provision by checking an external ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExternalTicketProvision {
    /// The id of the app of the ticketing system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The id of the connector of the ticketing system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
    /// The id of the external ticket provisioner configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ticket_provisioner_config_id: Option<String>,
    /// This field indicates a text body of instructions for the provisioner to indicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
}

/// GroupProvisioner resolves to members of a specific group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupProvisioner {
    /// Whether the provisioner can reassign the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_reassignment: Option<bool>,
    /// The app group ID (entitlement ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_group_id: Option<String>,
    /// The app ID containing the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Fallback user IDs if no group members are found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_user_ids: Option<Vec<String>>,
}

/// ManagerProvisioner resolves to the user's manager.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ManagerProvisioner {
    /// Whether the provisioner can reassign the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_reassignment: Option<bool>,
    /// Fallback user IDs if no manager is found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_user_ids: Option<Vec<String>>,
}

/// A human must provision this step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ManualProvision {
    /// Who provisions: a dynamic assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<ProvisionerAssignment>,
    /// This field indicates a text body of instructions for the provisioner to indicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// An array of users that are required to provision during this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}

/// Several provision steps, processed in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MultiStep {
    /// The array of provision steps to process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision_steps: Option<Vec<ProvisionPolicy>>,
}

/// How a provision step is processed: a oneof, one field is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProvisionPolicy {
    /// Provision by an account lifecycle action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ActionProvision>,
    /// Provision through the connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<ConnectorProvision>,
    /// Delegate to another entitlement's provisioning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated: Option<DelegatedProvision>,
    /// Provision by device placement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_placement: Option<DevicePlacementProvision>,
    /// Provision through an external ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ticket: Option<ExternalTicketProvision>,
    /// A human provisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<ManualProvision>,
    /// Several provision steps, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_step: Option<MultiStep>,
    /// Provisioning is not configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unconfigured: Option<UnconfiguredProvision>,
    /// Provision by calling a webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookProvision>,
}

/// How the provisioner is assigned dynamically: a oneof, one field is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProvisionerAssignment {
    /// The app owners provision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_owners: Option<AppOwnerProvisioner>,
    /// The entitlement owners provision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement_owners: Option<EntitlementOwnerProvisioner>,
    /// CEL expressions choose who provisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<ExpressionProvisioner>,
    /// Members of a group provision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupProvisioner>,
    /// The user's manager provisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<ManagerProvisioner>,
    /// Specific users provision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<UserProvisioner>,
}

/// Provisioning is not configured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UnconfiguredProvision {}

/// UserProvisioner assigns specific users as provisioners.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserProvisioner {
    /// Whether the provisioner can reassign the task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_reassignment: Option<bool>,
    /// The user IDs to assign as provisioners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}

/// Provision by calling a webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookProvision {
    /// The ID of the webhook to call for provisioning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<String>,
}
