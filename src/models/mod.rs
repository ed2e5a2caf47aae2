//! The ConductorOne models the shipped services use.
//!
//! Every field is optional (the server sends `null` for many), unknown fields
//! are ignored, enums are open and keep values they do not know.

use serde::{Deserialize, Serialize};

/// The answer of `ConnectorOwnersV2::get_user_owner`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GetConnectorUserOwnerResponse {
    /// The owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_owner_user: Option<serde_json::Value>,
}
