//! Users: [`User`], where its attributes came from, and [`UserRef`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::wire;

open_enum! {
    /// The status of a user, in C1 (`status`) or in its directory (`directoryStatus`).
    pub enum UserStatus {
        /// `UNKNOWN`: the status is not known.
        Unknown = "UNKNOWN",
        /// `ENABLED`
        Enabled = "ENABLED",
        /// `DISABLED`
        Disabled = "DISABLED",
        /// `DELETED`
        Deleted = "DELETED",
    }
}

open_enum! {
    /// The type of a user: human, service, agent, ...
    pub enum UserType {
        /// `USER_TYPE_UNSPECIFIED`
        Unspecified = "USER_TYPE_UNSPECIFIED",
        /// `USER_TYPE_SYSTEM`
        System = "USER_TYPE_SYSTEM",
        /// `USER_TYPE_HUMAN`
        Human = "USER_TYPE_HUMAN",
        /// `USER_TYPE_SERVICE`
        Service = "USER_TYPE_SERVICE",
        /// `USER_TYPE_AGENT`
        Agent = "USER_TYPE_AGENT",
    }
}

open_enum! {
    /// The origin of a user: who owns its lifecycle.
    pub enum UserOrigin {
        /// `USER_ORIGIN_UNSPECIFIED`
        Unspecified = "USER_ORIGIN_UNSPECIFIED",
        /// `USER_ORIGIN_DIRECTORY`: a directory.
        Directory = "USER_ORIGIN_DIRECTORY",
        /// `USER_ORIGIN_LOCAL`: created in C1.
        Local = "USER_ORIGIN_LOCAL",
        /// `USER_ORIGIN_SYSTEM`: C1 itself.
        System = "USER_ORIGIN_SYSTEM",
    }
}

/// A C1 user: its details and where each attribute came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::timestamp"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// The id of the user to whom tasks will be automatically reassigned to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_user_id: Option<String>,
    /// When it was deleted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::timestamp"
    )]
    pub deleted_at: Option<OffsetDateTime>,
    /// The department which the user belongs to in the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// A list of objects mapped based on department attribute mappings configured in the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_sources: Option<Vec<UserAttributeMappingSource>>,
    /// A list of unique ids that represent different directories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_ids: Option<Vec<String>>,
    /// The status of the user in the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_status: Option<UserStatus>,
    /// Where `directory_status` came from (directoryStatus attribute mappings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_status_sources: Option<Vec<UserAttributeMappingSource>>,
    /// The display name of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// This is the user's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A list of source data for the email attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_sources: Option<Vec<UserAttributeMappingSource>>,
    /// This is a list of all of the user's emails from app users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<String>>,
    /// A list of source data for the employee IDs attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id_sources: Option<Vec<UserAttributeMappingSource>>,
    /// This is a list of all of the user's employee IDs from app users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_ids: Option<Vec<String>>,
    /// The users employment status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment_status: Option<String>,
    /// Where `employment_status` came from (employmentStatus attribute mappings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment_status_sources: Option<Vec<UserAttributeMappingSource>>,
    /// The employment type of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment_type: Option<String>,
    /// Where `employment_type` came from (employmentType attribute mappings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment_type_sources: Option<Vec<UserAttributeMappingSource>>,
    /// A unique identifier of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The job title of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// A list of objects mapped based on jobTitle attribute mappings configured in the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_title_sources: Option<Vec<UserAttributeMappingSource>>,
    /// A list of ids of the user's managers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_ids: Option<Vec<String>>,
    /// A list of objects mapped based on managerId attribute mappings configured in the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_sources: Option<Vec<UserAttributeMappingSource>>,
    /// The origin of the user, describing who owns the user's lifecycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<UserOrigin>,
    /// The user's profile: free-form attributes from the directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Map<String, Value>>,
    /// The ids of the user's C1 roles (the permissions it has in C1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_ids: Option<Vec<String>>,
    /// The status of the user in the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
    /// The type of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<UserType>,
    /// When it was last updated.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "wire::timestamp"
    )]
    pub updated_at: Option<OffsetDateTime>,
    /// This is the user's primary username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// A list of source data for the usernames attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_sources: Option<Vec<UserAttributeMappingSource>>,
    /// This is a list of all of the user's usernames from app users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usernames: Option<Vec<String>>,
}

/// Where a user attribute value came from, and how it ranks against others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserAttributeMappingSource {
    /// The id of the app the value came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// The id of the app user the value came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_user_id: Option<String>,
    /// The key of the app user profile attribute that holds the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_user_profile_attribute_key: Option<String>,
    /// The rank of this source: lower wins; `sources[0]` is the winning source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
    /// The id of the user attribute mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_attribute_mapping_id: Option<String>,
    /// The value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A reference to a user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserRef {
    /// The id of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl UserRef {
    /// A reference to the user with this id.
    pub fn new(id: impl Into<String>) -> Self {
        UserRef {
            id: Some(id.into()),
        }
    }
}
