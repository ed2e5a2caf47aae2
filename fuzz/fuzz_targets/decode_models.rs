//! Fuzzes the models of `c1::models` with arbitrary response bodies.
//!
//! Each input is decoded into every model the way the runtime decodes a 2xx
//! body (`c1-runtime/src/request.rs`, `decode`: a blank body reads as `{}`,
//! `serde_path_to_error` names the failing JSON path, trailing data is an
//! error). Besides "never panics, never overflows the stack", a body that
//! decodes must write back (`serde_json::to_vec` succeeds), the written JSON
//! must decode to an equal value, and writing that value again must give the
//! same bytes (the written form is canonical).

#![no_main]

use std::fmt::Debug;

use c1::models::*;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fuzz_target!(|body: &[u8]| {
    // Every public model of `c1::models`, in the order of its `pub use`
    // list: the nine responses of ConnectorOwnersV2, the types they contain
    // (each also as a top-level body, to reach their code directly), the
    // requests and the open enums.
    check::<AppEntitlement>(body);
    check::<AppEntitlementPurpose>(body);
    check::<AppEntitlementRef>(body);
    check::<ConnectorOwnerEntitlement>(body);
    check::<ConnectorOwnerUser>(body);
    check::<CreateConnectorEntitlementOwnerRequest>(body);
    check::<CreateConnectorEntitlementOwnerResponse>(body);
    check::<CreateConnectorUserOwnerRequest>(body);
    check::<CreateConnectorUserOwnerResponse>(body);
    check::<DeleteConnectorEntitlementOwnerRequest>(body);
    check::<DeleteConnectorEntitlementOwnerResponse>(body);
    check::<DeleteConnectorUserOwnerRequest>(body);
    check::<DeleteConnectorUserOwnerResponse>(body);
    check::<GetConnectorEntitlementOwnerResponse>(body);
    check::<GetConnectorUserOwnerResponse>(body);
    check::<SearchConnectorEntitlementOwnersResponse>(body);
    check::<SearchConnectorUserOwnersResponse>(body);
    check::<SetConnectorOwnersV2Request>(body);
    check::<SetConnectorOwnersV2Response>(body);
    check::<AccountProvision>(body);
    check::<ActionProvision>(body);
    check::<AppOwnerProvisioner>(body);
    check::<ConnectorProvision>(body);
    check::<DefaultBehavior>(body);
    check::<DelegatedProvision>(body);
    check::<DeleteAccount>(body);
    check::<DevicePlacementProvision>(body);
    check::<DoNotSave>(body);
    check::<EntitlementOwnerProvisioner>(body);
    check::<ExpressionProvisioner>(body);
    check::<ExternalTicketProvision>(body);
    check::<GroupProvisioner>(body);
    check::<ManagerProvisioner>(body);
    check::<ManualProvision>(body);
    check::<MultiStep>(body);
    check::<ProvisionPolicy>(body);
    check::<ProvisionerAssignment>(body);
    check::<SaveToVault>(body);
    check::<UnconfiguredProvision>(body);
    check::<UserProvisioner>(body);
    check::<WebhookProvision>(body);
    check::<User>(body);
    check::<UserAttributeMappingSource>(body);
    check::<UserOrigin>(body);
    check::<UserRef>(body);
    check::<UserStatus>(body);
    check::<UserType>(body);
});

fn check<T: DeserializeOwned + Serialize + PartialEq + Debug>(body: &[u8]) {
    let Some(first) = decode::<T>(body) else {
        return;
    };
    let name = std::any::type_name::<T>();
    let written = match serde_json::to_vec(&first) {
        Ok(written) => written,
        Err(e) => panic!("{name}: decoded {first:?} but cannot write it: {e}"),
    };
    let second = decode::<T>(&written).unwrap_or_else(|| {
        panic!(
            "{name}: {first:?} was written as {} which does not decode",
            String::from_utf8_lossy(&written)
        )
    });
    assert_eq!(
        first,
        second,
        "{name}: changed by a write and read through {}",
        String::from_utf8_lossy(&written)
    );
    let rewritten = serde_json::to_vec(&second).expect("written once, so writes again");
    assert_eq!(
        String::from_utf8_lossy(&written),
        String::from_utf8_lossy(&rewritten),
        "{name}: the written form is not stable"
    );
}

/// The runtime's `decode`, minus building the `c1::Error`: `None` on error
/// (after formatting the path and message, as the runtime does).
fn decode<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let decoded = serde_path_to_error::deserialize::<_, T>(&mut de)
        .map_err(|e| (e.path().to_string(), e.into_inner()))
        .and_then(|value| de.end().map(|()| value).map_err(|e| (String::new(), e)));
    match decoded {
        Ok(value) => Some(value),
        Err((path, inner)) => {
            std::hint::black_box((path, inner.to_string()));
            None
        }
    }
}
