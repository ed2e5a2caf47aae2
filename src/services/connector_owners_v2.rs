//! ConnectorOwnersV2: who owns an app connector (users and entitlements).

use crate::models::GetConnectorUserOwnerResponse;
use crate::{Api, Client, Result, c1_endpoint};

/// The ConnectorOwnersV2 service: the owners of an app's connector.
pub trait ConnectorOwnersV2: Api {
    /// Get one user owner of a connector, by role and user id.
    #[c1_endpoint(GET "/api/v2/apps/<app_id>/connectors/<connector_id>/owners/users/<role_slug>/<user_ref_id>")]
    async fn get_user_owner(
        &self,
        app_id: &str,
        connector_id: &str,
        role_slug: &str,
        user_ref_id: &str,
    ) -> Result<GetConnectorUserOwnerResponse>;
}

impl ConnectorOwnersV2 for Client {}
