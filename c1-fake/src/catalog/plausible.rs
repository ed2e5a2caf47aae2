//! Plausible scalar values for a built instance, chosen by field name: what a live object
//! of a real tenant holds (C1-style ids, `user-3@example.com`, `Display name 3`, URLs,
//! timestamps in order, a live status), deterministic so every run answers the same.
//!
//! `n` is the item number (1 for a single object, 1..=60 for a listing's items): values a
//! person reads carry it, so the items of a listing differ. `serial` numbers the objects of
//! one build: an object's own id derives from it, so no two objects share one.

use time::{Duration, OffsetDateTime, macros::datetime};

/// The `createdAt` of item 1; item `n` was created `n - 1` hours later.
const CREATED: OffsetDateTime = datetime!(2024-05-01 12:00:00 UTC);

/// Whether field `name` says the object was deleted (`deletedAt`, `deleted_at`): a live
/// object leaves it unset.
pub(crate) fn is_deletion_time(name: &str) -> bool {
    matches!(name, "deletedAt" | "deleted_at")
}

/// A boolean for field `name`: `false` for a deletion flag (`deleted`, `isDeleted`,
/// `accountDeleted`, ...), as a live object has it, else `true`.
pub(crate) fn boolean(name: &str) -> bool {
    !(name == "deleted" || name.ends_with("Deleted") || name.ends_with("_deleted"))
}

/// Whether field `name` holds the object's own id (rather than a reference to another).
fn is_own_id(name: &str) -> bool {
    matches!(name, "id" | "numericId")
}

/// Whether field `name` holds an id: its own or another object's (`appId`, `app_id`).
fn is_id(name: &str) -> bool {
    is_own_id(name) || name.ends_with("Id") || name.ends_with("_id")
}

/// An integer for field `name`: an own id numbers the object, anything else the item.
pub(crate) fn integer(name: &str, n: usize, serial: usize) -> usize {
    if is_own_id(name) { serial } else { n }
}

/// Text for field `name` of an object of schema `schema` (`Ids`/`Emails` lists give their
/// items the list's name).
pub(crate) fn text(schema: &str, name: &str, n: usize, serial: usize) -> String {
    let lower = name.to_ascii_lowercase();
    let singular = name.strip_suffix('s').unwrap_or(name);
    if name == "nextPageToken" {
        // A built answer is the last page; the pager replaces it for a listing.
        String::new()
    } else if lower.contains("email") {
        format!("user-{n}@example.com")
    } else if lower.ends_with("url") || lower.ends_with("uri") {
        format!("https://example.com/{name}/{n}")
    } else if name == "displayName" || name == "display_name" {
        format!("Display name {n}")
    } else if is_own_id(name) {
        c1_id(&format!("{schema}.{name}#{serial}"))
    } else if is_id(name) || is_id(singular) {
        // A reference: the same id wherever item `n` refers to it.
        c1_id(&format!("{singular}#{n}"))
    } else {
        format!("{name}-{n}")
    }
}

/// A timestamp for field `name` of item `n`, in protobuf's canonical form (UTC, `Z`, no
/// fraction), ordered as a real object's are: created, then changed a day later (updated,
/// last used, completed, ...), and ending a year later (`expiresAt`, `...Until`, ...).
pub(crate) fn timestamp(name: &str, n: usize) -> String {
    let words = words(name);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let hours = i64::try_from(n)
        .unwrap_or(i64::MAX / 3600)
        .saturating_sub(1);
    let created = CREATED.saturating_add(Duration::hours(hours));
    let at = if has(&[
        "expires",
        "expire",
        "expiration",
        "until",
        "deadline",
        "end",
        "before",
        "deprovision",
        "timeout",
        "snooze",
    ]) {
        created.saturating_add(Duration::days(365))
    } else if has(&["created", "start", "started", "since", "after", "first"]) {
        created
    } else {
        created.saturating_add(Duration::days(1))
    };
    let (date, time) = (at.date(), at.time());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        date.year(),
        u8::from(date.month()),
        date.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// The lowercase words of a camelCase or snake_case name: `expiresAt` -> `expires`, `at`.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, c) in name.char_indices() {
        if c == '_' {
            out.push(String::new());
        } else if i == 0 || c.is_ascii_uppercase() {
            out.push(c.to_ascii_lowercase().to_string());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out.retain(|w| !w.is_empty());
    out
}

/// Whether an enum value is protobuf's zero value, which means "not set".
fn is_unspecified(value: &str) -> bool {
    value == "UNSPECIFIED" || value.ends_with("_UNSPECIFIED")
}

/// The last words of status values that describe a live object.
const LIVE: &[&str] = &[
    "ENABLED",
    "ACTIVE",
    "OPEN",
    "READY",
    "APPROVED",
    "CONNECTED",
    "RUNNING",
    "SUCCESS",
    "SUCCEEDED",
    "OK",
];

/// The last words of values that describe no live object (or say nothing).
const DEAD: &[&str] = &[
    "UNKNOWN",
    "DELETED",
    "DELETING",
    "DISABLED",
    "REMOVED",
    "REVOKED",
    "EXPIRED",
    "DEPRECATED",
    "BURNED",
    "ERROR",
    "FAILED",
    "FAILURE",
];

fn ends_with_word(value: &str, words: &[&str]) -> bool {
    words
        .iter()
        .any(|w| value == *w || value.strip_suffix(w).is_some_and(|v| v.ends_with('_')))
}

/// The value an enum field `name` takes: never the zero value (`*_UNSPECIFIED`) when the
/// enum lists another; for a status (`status`, `state`, `userStatus`, ...) a live one
/// (`ENABLED`, `ACTIVE`, `*_OPEN`, ...) before any other, and `UNKNOWN`, `DELETED`,
/// `DISABLED`, ... only when nothing else is listed. Otherwise the first listed.
pub(crate) fn enum_value(name: &str, values: &'static [&'static str]) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let status = lower.ends_with("status") || lower.ends_with("state");
    let rank = |v: &str| match () {
        _ if is_unspecified(v) => 3,
        _ if ends_with_word(v, DEAD) => 2,
        _ if status && ends_with_word(v, LIVE) => 0,
        _ => 1,
    };
    values.iter().copied().min_by_key(|v| rank(v))
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A C1-style id (27 base62 characters, like a KSUID: `2` then 26 more), the same for
/// the same `seed`.
pub(crate) fn c1_id(seed: &str) -> String {
    // FNV-1a over the seed, then splitmix64 for as many digits as needed.
    let mut state = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let mut out = String::with_capacity(27);
    out.push('2');
    while out.len() < 27 {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.push(char::from(BASE62[(z % 62) as usize]));
    }
    out
}
