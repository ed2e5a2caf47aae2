//! Hand-written extensions of generated models: constructors for the types a
//! user builds most. Each compiles exactly when its type does (`cfg_<type>!`,
//! generated for the types listed under `extended` in `c1-codegen/overrides.toml`).

#[allow(unused_imports)]
use super::*;

cfg_user_ref! {
    impl UserRef {
        /// A reference to the user with this id.
        pub fn new(id: impl Into<String>) -> Self {
            UserRef {
                id: Some(id.into()),
            }
        }
    }
}

cfg_app_entitlement_ref! {
    impl AppEntitlementRef {
        /// A reference to the entitlement `id` of the app `app_id`.
        pub fn new(app_id: impl Into<String>, id: impl Into<String>) -> Self {
            AppEntitlementRef {
                app_id: Some(app_id.into()),
                id: Some(id.into()),
            }
        }
    }
}

cfg_create_connector_user_owner_request! {
    impl CreateConnectorUserOwnerRequest {
        /// A request that makes `user` an owner.
        pub fn new(user: UserRef) -> Self {
            CreateConnectorUserOwnerRequest {
                user_ref: Some(user),
            }
        }
    }
}

cfg_delete_connector_user_owner_request! {
    impl DeleteConnectorUserOwnerRequest {
        /// A request that removes `user` from the owners.
        pub fn new(user: UserRef) -> Self {
            DeleteConnectorUserOwnerRequest {
                user_ref: Some(user),
            }
        }
    }
}

cfg_create_connector_entitlement_owner_request! {
    impl CreateConnectorEntitlementOwnerRequest {
        /// A request that makes the members of `entitlement` owners.
        pub fn new(entitlement: AppEntitlementRef) -> Self {
            CreateConnectorEntitlementOwnerRequest {
                app_entitlement_ref: Some(entitlement),
            }
        }
    }
}

cfg_delete_connector_entitlement_owner_request! {
    impl DeleteConnectorEntitlementOwnerRequest {
        /// A request that removes `entitlement` from the owners.
        pub fn new(entitlement: AppEntitlementRef) -> Self {
            DeleteConnectorEntitlementOwnerRequest {
                app_entitlement_ref: Some(entitlement),
            }
        }
    }
}

cfg_set_connector_owners_v2_request! {
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
}
