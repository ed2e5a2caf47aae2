//! Nulls mode: the real service sends `null` for many unset fields, so the fake can too.
//!
//! The ConnectorOwnersV2 answers are built from stored JSON; in nulls mode every field of
//! their models that the stored object lacks is written as `null`.

use serde_json::{Map, Value};

/// The fields of `c1.api.app.v1.ConnectorOwnerUser` (wire names).
const CONNECTOR_OWNER_USER: &[&str] = &["appId", "connectorId", "createdAt", "roleSlug", "user"];

/// The fields of `c1.api.app.v1.ConnectorOwnerEntitlement`.
const CONNECTOR_OWNER_ENTITLEMENT: &[&str] = &[
    "appEntitlement",
    "appId",
    "connectorId",
    "createdAt",
    "roleSlug",
];

/// The 32 fields of `c1.api.user.v1.User`.
const USER: &[&str] = &[
    "createdAt",
    "delegatedUserId",
    "deletedAt",
    "department",
    "departmentSources",
    "directoryIds",
    "directoryStatus",
    "directoryStatusSources",
    "displayName",
    "email",
    "emailSources",
    "emails",
    "employeeIdSources",
    "employeeIds",
    "employmentStatus",
    "employmentStatusSources",
    "employmentType",
    "employmentTypeSources",
    "id",
    "jobTitle",
    "jobTitleSources",
    "managerIds",
    "managerSources",
    "origin",
    "profile",
    "roleIds",
    "status",
    "type",
    "updatedAt",
    "username",
    "usernameSources",
    "usernames",
];

/// The 35 fields of `c1.api.app.v1.AppEntitlement`.
const APP_ENTITLEMENT: &[&str] = &[
    "alias",
    "annotations",
    "appId",
    "appResourceId",
    "appResourceTypeId",
    "certifyPolicyId",
    "complianceFrameworkValueIds",
    "createdAt",
    "defaultValuesApplied",
    "deletedAt",
    "deprovisionerPolicy",
    "description",
    "displayName",
    "durationGrant",
    "durationUnset",
    "emergencyGrantEnabled",
    "emergencyGrantPolicyId",
    "externalId",
    "grantCount",
    "grantPolicyId",
    "id",
    "isAutomationEnabled",
    "isManuallyManaged",
    "matchBatonId",
    "overrideAccessRequestsDefaults",
    "provisionerPolicy",
    "purpose",
    "requestSchemaId",
    "revokePolicyId",
    "riskLevelValueId",
    "slug",
    "sourceConnectorIds",
    "systemBuiltin",
    "updatedAt",
    "userEditedMask",
];

/// Write `null` for each of `fields` that `object` lacks.
fn fill(object: &mut Map<String, Value>, fields: &[&str]) {
    for field in fields {
        object.entry(*field).or_insert(Value::Null);
    }
}

/// A connector user owner with every unset field (its own and its user's) `null`.
pub(crate) fn user_owner(mut owner: Value) -> Value {
    if let Some(o) = owner.as_object_mut() {
        if let Some(Value::Object(user)) = o.get_mut("user") {
            fill(user, USER);
        }
        fill(o, CONNECTOR_OWNER_USER);
    }
    owner
}

/// A connector entitlement owner with every unset field (its own and its entitlement's) `null`.
pub(crate) fn entitlement_owner(mut owner: Value) -> Value {
    if let Some(o) = owner.as_object_mut() {
        if let Some(Value::Object(ent)) = o.get_mut("appEntitlement") {
            fill(ent, APP_ENTITLEMENT);
        }
        fill(o, CONNECTOR_OWNER_ENTITLEMENT);
    }
    owner
}
