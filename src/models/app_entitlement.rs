//! App entitlements: [`AppEntitlement`] and [`AppEntitlementRef`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::{OffsetDateTime, SignedDuration as Duration};

use super::ProvisionPolicy;
use super::wire;

open_enum! {
    /// What an entitlement is for: an assignment, a permission, an ownership.
    pub enum AppEntitlementPurpose {
        /// `APP_ENTITLEMENT_PURPOSE_VALUE_UNSPECIFIED`
        Unspecified = "APP_ENTITLEMENT_PURPOSE_VALUE_UNSPECIFIED",
        /// `APP_ENTITLEMENT_PURPOSE_VALUE_ASSIGNMENT`
        Assignment = "APP_ENTITLEMENT_PURPOSE_VALUE_ASSIGNMENT",
        /// `APP_ENTITLEMENT_PURPOSE_VALUE_PERMISSION`
        Permission = "APP_ENTITLEMENT_PURPOSE_VALUE_PERMISSION",
        /// `APP_ENTITLEMENT_PURPOSE_VALUE_OWNERSHIP`
        Ownership = "APP_ENTITLEMENT_PURPOSE_VALUE_OWNERSHIP",
    }
}

/// One permission in a downstream app that can be granted (GitHub Read vs GitHub Write).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppEntitlement {
    /// The alias of the app entitlement used by Cone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Bounded key/value metadata bag for IaC marking and customer tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// The ID of the app that is associated with the app entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The ID of the app resource that is associated with the app entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_resource_id: Option<String>,
    /// The ID of the app resource type that is associated with the app entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_resource_type_id: Option<String>,
    /// The ID of the policy that will be used for certify tickets related to the app entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certify_policy_id: Option<String>,
    /// The IDs of the compliance frameworks (SOX, HIPAA, PCI, ...) of this entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance_framework_value_ids: Option<Vec<String>>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::timestamp"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// Flag to indicate if app-level access request defaults have been applied to the entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_values_applied: Option<bool>,
    /// When it was deleted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::timestamp"
    )]
    pub deleted_at: Option<OffsetDateTime>,
    /// How a grant of this entitlement is revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprovisioner_policy: Option<ProvisionPolicy>,
    /// The description of the app entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The display name of the app entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The longest a grant may last (`durationGrant`); exclusive with `duration_unset`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::duration"
    )]
    pub duration_grant: Option<Duration>,
    /// Set (to `{}`) when grants have no maximum duration; exclusive with `duration_grant`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_unset: Option<Map<String, Value>>,
    /// This enables tasks to be created in an emergency and use a selected emergency access policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency_grant_enabled: Option<bool>,
    /// The ID of the policy that will be used for emergency access grant tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency_grant_policy_id: Option<String>,
    /// The upstream product's native external ID for this entitlement (e.g.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The amount of grants open for this entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "wire::int64")]
    pub grant_count: Option<i64>,
    /// The ID of the policy that will be used for grant tickets related to the app entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_policy_id: Option<String>,
    /// The unique ID for the App Entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Whether automation (adding users to the entitlement by rules) is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_automation_enabled: Option<bool>,
    /// Flag to indicate if the app entitlement is manually managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_manually_managed: Option<bool>,
    /// An identifier used to match this entitlement to a connector-synced entitlement during sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_baton_id: Option<String>,
    /// Whether the app-level access request settings are overridden for the entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_access_requests_defaults: Option<bool>,
    /// How a grant of this entitlement is provisioned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioner_policy: Option<ProvisionPolicy>,
    /// The purpose of this entitlement (e.g., assignment, permission, ownership).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<AppEntitlementPurpose>,
    /// The ID of the request schema associated with this app entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_schema_id: Option<String>,
    /// The ID of the policy that will be used for revoke tickets related to the app entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke_policy_id: Option<String>,
    /// The ID of the risk level assigned to this entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_level_value_id: Option<String>,
    /// The slug shown next to the name in C1: what permission the entitlement grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Map to tell us which connector the entitlement came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_connector_ids: Option<BTreeMap<String, String>>,
    /// This field indicates if this is a system builtin entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_builtin: Option<bool>,
    /// When it was last updated.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::timestamp"
    )]
    pub updated_at: Option<OffsetDateTime>,
    /// The fields a user edited, as a protobuf field mask (comma-separated paths).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_edited_mask: Option<String>,
}

/// A reference to an app entitlement: its app id and id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppEntitlementRef {
    /// The id of the app the entitlement belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The id of the entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl AppEntitlementRef {
    /// A reference to the entitlement `id` of the app `app_id`.
    pub fn new(app_id: impl Into<String>, id: impl Into<String>) -> Self {
        AppEntitlementRef {
            app_id: Some(app_id.into()),
            id: Some(id.into()),
        }
    }
}
