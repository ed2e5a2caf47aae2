//! The ConductorOne models the shipped services use.
//!
//! Conventions, the same for every model:
//! - every field is an `Option`: the server omits fields and sends `null` for
//!   many that the spec does not mark nullable; both read as `None`, and
//!   `None` is not written;
//! - fields unknown to this version of c1 are ignored;
//! - enums are open ([`UserStatus::Other`] keeps a value c1 does not know);
//! - structs are `#[non_exhaustive]` (the vendor adds fields): build them with
//!   `Default` and field assignment, or with the constructors of the request
//!   types ([`CreateConnectorUserOwnerRequest::new`], ...);
//! - timestamps are [`time::OffsetDateTime`] (RFC 3339 on the wire), durations
//!   [`time::SignedDuration`] (`"3600s"`), 64-bit integers `i64` (read from a
//!   JSON string or number, written as a string), free-form objects
//!   [`serde_json::Map`].

#[macro_use]
mod macros;
mod wire;

mod app_entitlement;
mod connector_owner;
mod provision_policy;
mod user;

pub use app_entitlement::{AppEntitlement, AppEntitlementPurpose, AppEntitlementRef};
pub use connector_owner::{
    ConnectorOwnerEntitlement, ConnectorOwnerUser, CreateConnectorEntitlementOwnerRequest,
    CreateConnectorEntitlementOwnerResponse, CreateConnectorUserOwnerRequest,
    CreateConnectorUserOwnerResponse, DeleteConnectorEntitlementOwnerRequest,
    DeleteConnectorEntitlementOwnerResponse, DeleteConnectorUserOwnerRequest,
    DeleteConnectorUserOwnerResponse, GetConnectorEntitlementOwnerResponse,
    GetConnectorUserOwnerResponse, SearchConnectorEntitlementOwnersResponse,
    SearchConnectorUserOwnersResponse, SetConnectorOwnersV2Request, SetConnectorOwnersV2Response,
};
pub use provision_policy::{
    AccountProvision, ActionProvision, AppOwnerProvisioner, ConnectorProvision, DefaultBehavior,
    DelegatedProvision, DeleteAccount, DevicePlacementProvision, DoNotSave,
    EntitlementOwnerProvisioner, ExpressionProvisioner, ExternalTicketProvision, GroupProvisioner,
    ManagerProvisioner, ManualProvision, MultiStep, ProvisionPolicy, ProvisionerAssignment,
    SaveToVault, UnconfiguredProvision, UserProvisioner, WebhookProvision,
};
pub use user::{User, UserAttributeMappingSource, UserOrigin, UserRef, UserStatus, UserType};
