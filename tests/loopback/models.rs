//! The models against the wire: fixtures round-trip, unknown fields and
//! `null`s are accepted, open enums, 64-bit integers, timestamps, durations.

use c1::Page;
use c1::models::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use time::SignedDuration;
use time::macros::datetime;

/// Decodes `text` as `T` and encodes it back; both as JSON values.
fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Value {
    let decoded: T = serde_json::from_value(value.clone()).expect("the fixture decodes");
    serde_json::to_value(&decoded).expect("the model encodes")
}

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).expect("the fixture is JSON")
}

macro_rules! fixtures {
    ($($test:ident: $model:ident,)+) => {
        $(
            #[test]
            fn $test() {
                let original = fixture(include_str!(concat!("../fixtures/", stringify!($model), ".json")));
                assert_eq!(round_trip::<$model>(&original), original);
                nulls_are_absent::<$model>(&original);
            }
        )+

        /// Every fixture, by name.
        const FIXTURES: &[(&str, &str)] = &[
            $((stringify!($model), include_str!(concat!("../fixtures/", stringify!($model), ".json"))),)+
        ];
    };
}

fixtures! {
    set_owners_response: SetConnectorOwnersV2Response,
    search_user_owners_response: SearchConnectorUserOwnersResponse,
    get_user_owner_response: GetConnectorUserOwnerResponse,
    create_user_owner_response: CreateConnectorUserOwnerResponse,
    delete_user_owner_response: DeleteConnectorUserOwnerResponse,
    search_entitlement_owners_response: SearchConnectorEntitlementOwnersResponse,
    get_entitlement_owner_response: GetConnectorEntitlementOwnerResponse,
    create_entitlement_owner_response: CreateConnectorEntitlementOwnerResponse,
    delete_entitlement_owner_response: DeleteConnectorEntitlementOwnerResponse,
}

/// The fields whose value is a map or a free-form object.
const FREE_FORM: &[&str] = &[
    "profile",
    "config",
    "annotations",
    "sourceConnectorIds",
    "durationUnset",
];

/// Every object key of `value`, as a path of keys and array indexes.
fn key_paths(value: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(Value::from(key.as_str()));
                out.push(prefix.clone());
                // Inside a free-form object or a map, keys are data, not fields.
                if !FREE_FORM.contains(&key.as_str()) {
                    key_paths(child, prefix, out);
                }
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(Value::from(i));
                key_paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// The parent object of the key at `path`, and that key.
fn parent_mut<'v>(
    mut value: &'v mut Value,
    path: &[Value],
) -> (&'v mut serde_json::Map<String, Value>, String) {
    let (last, init) = path.split_last().unwrap();
    for step in init {
        value = match step {
            Value::String(key) => &mut value[key.as_str()],
            Value::Number(i) => &mut value[i.as_u64().unwrap() as usize],
            _ => unreachable!(),
        };
    }
    (
        value.as_object_mut().unwrap(),
        last.as_str().unwrap().to_owned(),
    )
}

/// Setting any one field of `original` to `null` decodes as if it were absent.
fn nulls_are_absent<T: DeserializeOwned + Serialize>(original: &Value) {
    let mut paths = Vec::new();
    key_paths(original, &mut Vec::new(), &mut paths);
    for path in paths {
        let mut with_null = original.clone();
        let (parent, key) = parent_mut(&mut with_null, &path);
        parent.insert(key.clone(), Value::Null);
        let mut without = original.clone();
        let (parent, key) = parent_mut(&mut without, &path);
        parent.remove(&key);
        let decoded: T = serde_json::from_value(with_null)
            .unwrap_or_else(|e| panic!("null at {path:?} is rejected: {e}"));
        assert_eq!(
            serde_json::to_value(&decoded).unwrap(),
            without,
            "null at {path:?}"
        );
    }
}

#[test]
fn fixtures_fill_every_user_field() {
    let owner = fixture(include_str!(
        "../fixtures/GetConnectorUserOwnerResponse.json"
    ));
    let user = owner["connectorOwnerUser"]["user"].as_object().unwrap();
    assert_eq!(user.len(), 32, "User has 32 fields");
    let source = user["emailSources"][0].as_object().unwrap();
    assert_eq!(source.len(), 6, "UserAttributeMappingSource has 6 fields");
}

#[test]
fn fixture_values_are_typed() {
    let response: GetConnectorUserOwnerResponse = serde_json::from_str(include_str!(
        "../fixtures/GetConnectorUserOwnerResponse.json"
    ))
    .unwrap();
    let owner = response.connector_owner_user.unwrap();
    assert_eq!(owner.role_slug.as_deref(), Some("owner"));
    assert_eq!(owner.created_at, Some(datetime!(2024-05-01 12:00 UTC)));
    let user = owner.user.unwrap();
    assert_eq!(user.display_name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(user.status, Some(UserStatus::Enabled));
    assert_eq!(user.directory_status, Some(UserStatus::Enabled));
    assert_eq!(user.r#type, Some(UserType::Human));
    assert_eq!(user.origin, Some(UserOrigin::Directory));
    assert_eq!(
        user.updated_at,
        Some(datetime!(2024-06-15 08:30:00.123 UTC))
    );
    assert_eq!(
        user.deleted_at,
        Some(datetime!(2025-01-02 03:04:05.123456789 UTC))
    );
    assert_eq!(user.email_sources.unwrap()[0].priority, Some(1));
    assert_eq!(user.profile.unwrap()["costCenter"], "CC-1042");

    let response: GetConnectorEntitlementOwnerResponse = serde_json::from_str(include_str!(
        "../fixtures/GetConnectorEntitlementOwnerResponse.json"
    ))
    .unwrap();
    let entitlement = response
        .connector_owner_entitlement
        .unwrap()
        .app_entitlement
        .unwrap();
    assert_eq!(entitlement.grant_count, Some(42));
    assert_eq!(entitlement.duration_grant, Some(SignedDuration::hours(1)));
    assert_eq!(entitlement.purpose, Some(AppEntitlementPurpose::Assignment));
    assert_eq!(entitlement.annotations.unwrap()["managed_by"], "terraform");
    assert_eq!(entitlement.duration_unset, Some(serde_json::Map::new()));
    let policy = entitlement.provisioner_policy.unwrap();
    let inner = &policy.multi_step.unwrap().provision_steps.unwrap()[0];
    assert!(
        inner
            .manual
            .as_ref()
            .unwrap()
            .assignee
            .as_ref()
            .unwrap()
            .group
            .is_some()
    );
}

#[test]
fn unknown_fields_are_ignored_at_every_level() {
    let mut value = fixture(include_str!(
        "../fixtures/GetConnectorUserOwnerResponse.json"
    ));
    let expected = value.clone();
    value["addedLater"] = json!({"nested": [1, 2]});
    value["connectorOwnerUser"]["addedLater"] = json!(true);
    value["connectorOwnerUser"]["user"]["addedLater"] = json!("x");
    value["connectorOwnerUser"]["user"]["emailSources"][0]["addedLater"] = json!(null);
    assert_eq!(
        round_trip::<GetConnectorUserOwnerResponse>(&value),
        expected
    );
}

#[test]
fn all_nulls_decode_as_default() {
    for (name, text) in FIXTURES {
        let value = fixture(text);
        let Value::Object(map) = value else {
            panic!("{name} is not an object")
        };
        let nulls: serde_json::Map<String, Value> =
            map.keys().map(|k| (k.clone(), Value::Null)).collect();
        // Each response decodes and re-encodes as `{}`.
        let encoded = match *name {
            "SearchConnectorUserOwnersResponse" => {
                round_trip::<SearchConnectorUserOwnersResponse>(&Value::Object(nulls))
            }
            "SearchConnectorEntitlementOwnersResponse" => {
                round_trip::<SearchConnectorEntitlementOwnersResponse>(&Value::Object(nulls))
            }
            "GetConnectorUserOwnerResponse" => {
                round_trip::<GetConnectorUserOwnerResponse>(&Value::Object(nulls))
            }
            "CreateConnectorUserOwnerResponse" => {
                round_trip::<CreateConnectorUserOwnerResponse>(&Value::Object(nulls))
            }
            "GetConnectorEntitlementOwnerResponse" => {
                round_trip::<GetConnectorEntitlementOwnerResponse>(&Value::Object(nulls))
            }
            "CreateConnectorEntitlementOwnerResponse" => {
                round_trip::<CreateConnectorEntitlementOwnerResponse>(&Value::Object(nulls))
            }
            _ => round_trip::<SetConnectorOwnersV2Response>(&Value::Object(nulls)),
        };
        assert_eq!(encoded, json!({}), "{name}");
    }
    let user_fields = fixture(include_str!(
        "../fixtures/GetConnectorUserOwnerResponse.json"
    ))["connectorOwnerUser"]["user"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| (k.clone(), Value::Null))
        .collect::<serde_json::Map<_, _>>();
    let user: User = serde_json::from_value(Value::Object(user_fields)).unwrap();
    assert_eq!(user, User::default());
}

#[test]
fn unknown_enum_values_are_kept_and_sent_back() {
    let value = json!({
        "status": "SUSPENDED",
        "directoryStatus": "ARCHIVED",
        "type": "USER_TYPE_ROBOT",
        "origin": "USER_ORIGIN_SCIM",
    });
    let user: User = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(user.status, Some(UserStatus::Other("SUSPENDED".into())));
    assert_eq!(
        user.directory_status,
        Some(UserStatus::Other("ARCHIVED".into()))
    );
    assert_eq!(user.r#type, Some(UserType::Other("USER_TYPE_ROBOT".into())));
    assert_eq!(
        user.origin,
        Some(UserOrigin::Other("USER_ORIGIN_SCIM".into()))
    );
    assert_eq!(serde_json::to_value(&user).unwrap(), value);

    let entitlement: AppEntitlement =
        serde_json::from_value(json!({"purpose": "APP_ENTITLEMENT_PURPOSE_VALUE_BREAK_GLASS"}))
            .unwrap();
    assert_eq!(
        entitlement
            .purpose
            .as_ref()
            .map(AppEntitlementPurpose::as_str),
        Some("APP_ENTITLEMENT_PURPOSE_VALUE_BREAK_GLASS")
    );
    // A non-string enum value is an error, not a silent `None`.
    assert!(serde_json::from_value::<User>(json!({"status": 1})).is_err());
}

#[test]
fn enums_convert_from_and_to_strings() {
    assert_eq!(UserStatus::from("UNKNOWN"), UserStatus::Unknown);
    assert_eq!(UserStatus::from("DELETED".to_owned()), UserStatus::Deleted);
    assert_eq!(
        "USER_TYPE_AGENT".parse::<UserType>().unwrap(),
        UserType::Agent
    );
    assert_eq!(UserOrigin::System.to_string(), "USER_ORIGIN_SYSTEM");
    assert_eq!(
        UserStatus::from("enabled"),
        UserStatus::Other("enabled".into()),
        "values are case-sensitive"
    );
    assert_eq!(UserType::Other("X".into()).as_str(), "X");
}

fn grant_count(value: Value) -> Result<Option<i64>, serde_json::Error> {
    serde_json::from_value::<AppEntitlement>(json!({ "grantCount": value })).map(|e| e.grant_count)
}

#[test]
fn int64_reads_strings_and_numbers_and_writes_strings() {
    assert_eq!(grant_count(json!("42")).unwrap(), Some(42));
    assert_eq!(grant_count(json!(42)).unwrap(), Some(42));
    assert_eq!(
        grant_count(json!("-9223372036854775808")).unwrap(),
        Some(i64::MIN)
    );
    assert_eq!(
        grant_count(json!(9223372036854775807i64)).unwrap(),
        Some(i64::MAX)
    );
    assert_eq!(grant_count(json!(1e3)).unwrap(), Some(1000));
    assert_eq!(grant_count(Value::Null).unwrap(), None);
    for bad in [
        json!("4x2"),
        json!(""),
        json!(" 42"),
        json!(18446744073709551615u64),
        json!(1.5),
        json!(true),
        json!([1]),
    ] {
        assert!(grant_count(bad.clone()).is_err(), "{bad} must be rejected");
    }
    let mut entitlement = AppEntitlement::default();
    entitlement.grant_count = Some(i64::MAX);
    assert_eq!(
        serde_json::to_value(&entitlement).unwrap(),
        json!({"grantCount": "9223372036854775807"})
    );
}

fn duration_grant(text: &str) -> Result<Option<SignedDuration>, serde_json::Error> {
    serde_json::from_value::<AppEntitlement>(json!({ "durationGrant": text }))
        .map(|e| e.duration_grant)
}

fn write_duration(duration: SignedDuration) -> Value {
    let mut entitlement = AppEntitlement::default();
    entitlement.duration_grant = Some(duration);
    serde_json::to_value(&entitlement).unwrap()["durationGrant"].clone()
}

#[test]
fn durations_read_protobuf_form_and_write_it_canonically() {
    let cases = [
        ("3600s", SignedDuration::hours(1), "3600s"),
        ("0s", SignedDuration::ZERO, "0s"),
        ("1.5s", SignedDuration::milliseconds(1500), "1.500s"),
        (
            "1.000001s",
            SignedDuration::microseconds(1_000_001),
            "1.000001s",
        ),
        (
            "0.000000001s",
            SignedDuration::nanoseconds(1),
            "0.000000001s",
        ),
        ("-0.25s", SignedDuration::milliseconds(-250), "-0.250s"),
        ("-90s", SignedDuration::seconds(-90), "-90s"),
        (
            "315576000000.999999999s",
            SignedDuration::new(315_576_000_000, 999_999_999),
            "315576000000.999999999s",
        ),
    ];
    for (text, duration, canonical) in cases {
        assert_eq!(duration_grant(text).unwrap(), Some(duration), "{text}");
        assert_eq!(write_duration(duration), json!(canonical), "{text}");
    }
    for bad in [
        "",
        "s",
        "1",
        "1.5",
        "1.s",
        ".5s",
        "+1s",
        "1e3s",
        "1.1234567891s",
        "abc",
        "1 s",
        "--1s",
        "99999999999999999999s",
    ] {
        assert!(duration_grant(bad).is_err(), "{bad:?} must be rejected");
    }
    assert!(serde_json::from_value::<AppEntitlement>(json!({"durationGrant": 3600})).is_err());
}

fn created_at(text: &str) -> Result<Option<time::OffsetDateTime>, serde_json::Error> {
    serde_json::from_value::<User>(json!({ "createdAt": text })).map(|u| u.created_at)
}

#[test]
fn timestamps_read_rfc3339_and_write_protobuf_form() {
    let noon = datetime!(2024-05-01 12:00 UTC);
    assert_eq!(created_at("2024-05-01T12:00:00Z").unwrap(), Some(noon));
    assert_eq!(created_at("2024-05-01T14:00:00+02:00").unwrap(), Some(noon));
    assert_eq!(
        created_at("2024-05-01T12:00:00.5Z").unwrap(),
        Some(datetime!(2024-05-01 12:00:00.5 UTC))
    );
    for bad in [
        "",
        "yesterday",
        "2024-05-01",
        "2024-05-01T12:00:00",
        "2024-13-01T12:00:00Z",
    ] {
        assert!(created_at(bad).is_err(), "{bad:?} must be rejected");
    }
    let write = |at: time::OffsetDateTime| {
        let mut user = User::default();
        user.created_at = Some(at);
        serde_json::to_value(&user).unwrap()["createdAt"].clone()
    };
    assert_eq!(write(noon), json!("2024-05-01T12:00:00Z"));
    assert_eq!(
        write(datetime!(2024-05-01 14:00 +02:00)),
        json!("2024-05-01T12:00:00Z")
    );
    assert_eq!(
        write(datetime!(2024-05-01 12:00:00.5 UTC)),
        json!("2024-05-01T12:00:00.500Z")
    );
    assert_eq!(
        write(datetime!(2024-05-01 12:00:00.000123 UTC)),
        json!("2024-05-01T12:00:00.000123Z")
    );
    assert_eq!(
        write(datetime!(2024-05-01 12:00:00.000000007 UTC)),
        json!("2024-05-01T12:00:00.000000007Z")
    );
    // A timestamp that leaves years 0..=9999 once in UTC keeps its own offset,
    // so whatever decodes can be written back (found by the decode_models fuzz target).
    for edge in ["0000-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"] {
        let at = created_at(edge).unwrap().unwrap();
        assert_eq!(write(at), json!(edge));
        assert_eq!(created_at(edge).unwrap(), Some(at));
    }
    // A year RFC 3339 cannot express is an error, not a panic.
    let mut user = User::default();
    user.created_at = Some(datetime!(-0001-01-01 0:00 UTC));
    assert!(serde_json::to_value(&user).is_err());
}

#[test]
fn requests_serialize_to_the_documented_bodies() {
    let create = CreateConnectorUserOwnerRequest::new(UserRef::new("u1"));
    assert_eq!(
        serde_json::to_value(&create).unwrap(),
        json!({"userRef": {"id": "u1"}})
    );
    let delete =
        DeleteConnectorEntitlementOwnerRequest::new(AppEntitlementRef::new("app1", "ent1"));
    assert_eq!(
        serde_json::to_value(&delete).unwrap(),
        json!({"appEntitlementRef": {"appId": "app1", "id": "ent1"}})
    );
    let set = SetConnectorOwnersV2Request::new("owner")
        .with_user_refs([UserRef::new("u1"), UserRef::new("u2")])
        .with_app_entitlement_refs([AppEntitlementRef::new("app1", "ent1")]);
    assert_eq!(
        serde_json::to_value(&set).unwrap(),
        json!({
            "roleSlug": "owner",
            "userRefs": [{"id": "u1"}, {"id": "u2"}],
            "appEntitlementRefs": [{"appId": "app1", "id": "ent1"}],
        })
    );
    // Clearing a role: empty lists are sent, not omitted.
    let clear = SetConnectorOwnersV2Request::new("owner").with_user_refs([]);
    assert_eq!(
        serde_json::to_value(&clear).unwrap(),
        json!({"roleSlug": "owner", "userRefs": []})
    );
    assert_eq!(
        serde_json::to_value(SetConnectorOwnersV2Request::default()).unwrap(),
        json!({})
    );
}

#[test]
fn search_responses_are_pages() {
    let page: SearchConnectorUserOwnersResponse = serde_json::from_str(include_str!(
        "../fixtures/SearchConnectorUserOwnersResponse.json"
    ))
    .unwrap();
    assert_eq!(page.next_page_token(), Some("eyJvZmZzZXQiOjI1fQ"));
    assert_eq!(page.into_items().len(), 1);
    let last: SearchConnectorEntitlementOwnersResponse =
        serde_json::from_value(json!({"list": null, "nextPageToken": null})).unwrap();
    assert_eq!(last.next_page_token(), None);
    assert!(last.into_items().is_empty());
}
