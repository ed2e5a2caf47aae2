//! ConnectorOwnersV2: who owns an app connector (users and entitlements).
//!
//! The vendor marks these operations as draft. The delete and set operations
//! answer `{}`; they return the spec's named empty responses, so fields the
//! vendor may add later can appear without a breaking change.

use crate::models::{
    CreateConnectorEntitlementOwnerRequest, CreateConnectorEntitlementOwnerResponse,
    CreateConnectorUserOwnerRequest, CreateConnectorUserOwnerResponse,
    DeleteConnectorEntitlementOwnerRequest, DeleteConnectorEntitlementOwnerResponse,
    DeleteConnectorUserOwnerRequest, DeleteConnectorUserOwnerResponse,
    GetConnectorEntitlementOwnerResponse, GetConnectorUserOwnerResponse,
    SearchConnectorEntitlementOwnersResponse, SearchConnectorUserOwnersResponse,
    SetConnectorOwnersV2Request, SetConnectorOwnersV2Response,
};
use crate::{Api, Client, Result, c1_endpoint};

/// The ConnectorOwnersV2 service: the owners of an app's connector.
pub trait ConnectorOwnersV2: Api {
    /// Replace all owners of a connector for one role (users and entitlements).
    #[c1_endpoint(PUT "/api/v2/apps/<app_id>/connectors/<connector_id>/owners", body = request)]
    async fn set_owners(
        &self,
        app_id: &str,
        connector_id: &str,
        request: &SetConnectorOwnersV2Request,
    ) -> Result<SetConnectorOwnersV2Response>;

    /// Search the user owners of a connector, one page at a time (see [`crate::paginate`]).
    #[c1_endpoint(GET "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/users?<page_size>&<page_token>&<role_slug>")]
    async fn search_user_owners(
        &self,
        app_id: &str,
        connector_id: &str,
        page_size: Option<u32>,
        page_token: Option<&str>,
        role_slug: Option<&str>,
    ) -> Result<SearchConnectorUserOwnersResponse>;

    /// Get one user owner of a connector, by role and user id.
    #[c1_endpoint(GET "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>")]
    async fn get_user_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        user_ref_id: &str,
    ) -> Result<GetConnectorUserOwnerResponse>;

    /// Make a user an owner of a connector for a role.
    #[c1_endpoint(POST "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>", body = request)]
    async fn create_user_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        user_ref_id: &str,
        request: &CreateConnectorUserOwnerRequest,
    ) -> Result<CreateConnectorUserOwnerResponse>;

    /// Remove a user from the owners of a connector for a role.
    #[c1_endpoint(DELETE "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>", body = request)]
    async fn delete_user_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        user_ref_id: &str,
        request: &DeleteConnectorUserOwnerRequest,
    ) -> Result<DeleteConnectorUserOwnerResponse>;

    /// Search the entitlement owners of a connector, one page at a time (see [`crate::paginate`]).
    #[c1_endpoint(GET "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/entitlements?<page_size>&<page_token>&<role_slug>")]
    async fn search_entitlement_owners(
        &self,
        app_id: &str,
        connector_id: &str,
        page_size: Option<u32>,
        page_token: Option<&str>,
        role_slug: Option<&str>,
    ) -> Result<SearchConnectorEntitlementOwnersResponse>;

    /// Get one entitlement owner of a connector, by role and entitlement.
    #[c1_endpoint(GET "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/entitlements/<role_slug>/<app_entitlement_ref_app_id>/<app_entitlement_ref_id>")]
    async fn get_entitlement_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        app_entitlement_ref_app_id: &str,
        app_entitlement_ref_id: &str,
    ) -> Result<GetConnectorEntitlementOwnerResponse>;

    /// Make an entitlement's members owners of a connector for a role.
    #[c1_endpoint(POST "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/entitlements/<role_slug>/<app_entitlement_ref_app_id>/<app_entitlement_ref_id>", body = request)]
    async fn create_entitlement_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        app_entitlement_ref_app_id: &str,
        app_entitlement_ref_id: &str,
        request: &CreateConnectorEntitlementOwnerRequest,
    ) -> Result<CreateConnectorEntitlementOwnerResponse>;

    /// Remove an entitlement from the owners of a connector for a role.
    #[c1_endpoint(DELETE "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/entitlements/<role_slug>/<app_entitlement_ref_app_id>/<app_entitlement_ref_id>", body = request)]
    async fn delete_entitlement_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        app_entitlement_ref_app_id: &str,
        app_entitlement_ref_id: &str,
        request: &DeleteConnectorEntitlementOwnerRequest,
    ) -> Result<DeleteConnectorEntitlementOwnerResponse>;
}

impl ConnectorOwnersV2 for Client {}
