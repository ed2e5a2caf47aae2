//! Connector owners: the users and entitlements that own an app's connector,
//! and the requests and responses of the `ConnectorOwnersV2` service.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::wire;
use super::{AppEntitlement, AppEntitlementRef, User, UserRef};

/// An entitlement that owns a connector: its members are owners for the role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectorOwnerEntitlement {
    /// The entitlement whose members own the connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_entitlement: Option<AppEntitlement>,
    /// The id of the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The id of the connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::timestamp"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// The slug of the owner role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_slug: Option<String>,
}

/// A user that owns a connector for a role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConnectorOwnerUser {
    /// The id of the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The id of the connector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_id: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::timestamp"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// The slug of the owner role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_slug: Option<String>,
    /// The owning user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
}

/// The body of `create_entitlement_owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateConnectorEntitlementOwnerRequest {
    /// The entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_entitlement_ref: Option<AppEntitlementRef>,
}

/// The answer of `create_entitlement_owner`: the new ownership source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateConnectorEntitlementOwnerResponse {
    /// The entitlement ownership source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_owner_entitlement: Option<ConnectorOwnerEntitlement>,
}

/// The body of `create_user_owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateConnectorUserOwnerRequest {
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ref: Option<UserRef>,
}

/// The answer of `create_user_owner`: the new ownership source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateConnectorUserOwnerResponse {
    /// The user ownership source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_owner_user: Option<ConnectorOwnerUser>,
}

/// The body of `delete_entitlement_owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeleteConnectorEntitlementOwnerRequest {
    /// The entitlement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_entitlement_ref: Option<AppEntitlementRef>,
}

/// The (empty) answer of `delete_entitlement_owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeleteConnectorEntitlementOwnerResponse {}

/// The body of `delete_user_owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeleteConnectorUserOwnerRequest {
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ref: Option<UserRef>,
}

/// The (empty) answer of `delete_user_owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeleteConnectorUserOwnerResponse {}

/// The answer of `get_entitlement_owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetConnectorEntitlementOwnerResponse {
    /// The entitlement ownership source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_owner_entitlement: Option<ConnectorOwnerEntitlement>,
}

/// The answer of `get_user_owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetConnectorUserOwnerResponse {
    /// The user ownership source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_owner_user: Option<ConnectorOwnerUser>,
}

/// One page of `search_entitlement_owners`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SearchConnectorEntitlementOwnersResponse {
    /// The items of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<Vec<ConnectorOwnerEntitlement>>,
    /// The token of the next page; empty or absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// One page of `search_user_owners`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SearchConnectorUserOwnersResponse {
    /// The items of this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<Vec<ConnectorOwnerUser>>,
    /// The token of the next page; empty or absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// The body of `set_owners`: the complete new owner list for one role.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SetConnectorOwnersV2Request {
    /// The entitlements whose members own the connector for the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_entitlement_refs: Option<Vec<AppEntitlementRef>>,
    /// The role slug for this ownership grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_slug: Option<String>,
    /// The users that own the connector for the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_refs: Option<Vec<UserRef>>,
}

/// The (empty) answer of `set_owners`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SetConnectorOwnersV2Response {}

impl CreateConnectorUserOwnerRequest {
    /// A request that makes `user` an owner.
    pub fn new(user: UserRef) -> Self {
        CreateConnectorUserOwnerRequest {
            user_ref: Some(user),
        }
    }
}

impl DeleteConnectorUserOwnerRequest {
    /// A request that removes `user` from the owners.
    pub fn new(user: UserRef) -> Self {
        DeleteConnectorUserOwnerRequest {
            user_ref: Some(user),
        }
    }
}

impl CreateConnectorEntitlementOwnerRequest {
    /// A request that makes the members of `entitlement` owners.
    pub fn new(entitlement: AppEntitlementRef) -> Self {
        CreateConnectorEntitlementOwnerRequest {
            app_entitlement_ref: Some(entitlement),
        }
    }
}

impl DeleteConnectorEntitlementOwnerRequest {
    /// A request that removes `entitlement` from the owners.
    pub fn new(entitlement: AppEntitlementRef) -> Self {
        DeleteConnectorEntitlementOwnerRequest {
            app_entitlement_ref: Some(entitlement),
        }
    }
}

impl SetConnectorOwnersV2Request {
    /// A request that leaves the role `role_slug` with no owners; add them
    /// with [`with_user_refs`](Self::with_user_refs) and
    /// [`with_app_entitlement_refs`](Self::with_app_entitlement_refs).
    pub fn new(role_slug: impl Into<String>) -> Self {
        SetConnectorOwnersV2Request {
            role_slug: Some(role_slug.into()),
            ..Self::default()
        }
    }

    /// Sets the users that own the connector for the role.
    pub fn with_user_refs(mut self, users: impl IntoIterator<Item = UserRef>) -> Self {
        self.user_refs = Some(users.into_iter().collect());
        self
    }

    /// Sets the entitlements whose members own the connector for the role.
    pub fn with_app_entitlement_refs(
        mut self,
        entitlements: impl IntoIterator<Item = AppEntitlementRef>,
    ) -> Self {
        self.app_entitlement_refs = Some(entitlements.into_iter().collect());
        self
    }
}

impl crate::Page for SearchConnectorUserOwnersResponse {
    type Item = ConnectorOwnerUser;

    fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }

    fn into_items(self) -> Vec<ConnectorOwnerUser> {
        self.list.unwrap_or_default()
    }
}

impl crate::Page for SearchConnectorEntitlementOwnersResponse {
    type Item = ConnectorOwnerEntitlement;

    fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }

    fn into_items(self) -> Vec<ConnectorOwnerEntitlement> {
        self.list.unwrap_or_default()
    }
}
