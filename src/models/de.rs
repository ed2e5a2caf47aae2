//! How the models decode: in place, and with a bound on recursion.
//!
//! serde's derived `Deserialize` builds a struct from one local per field and
//! returns it by value through every generic frame between the struct and
//! its parent (serde_json's `deserialize_struct`, `deserialize_option`,
//! `visit_some`, ...). Without optimization each of those frames holds its own
//! copies, so a frame costs a multiple of the struct's size summed over its
//! fields: 80 KB for `TaskView` in a debug build, and a 13-level body of the
//! task API needed most of a 1 MiB stack before any recursion. A generated
//! model instead decodes into a value that already exists
//! ([`Fill::fill`]): each field is read straight into its place by a
//! [`Read`] kind, and a nested model is first set to its `Default` and then
//! filled. The frames between two levels hold references and at most one
//! default value of the field's type, whatever the struct's size, and in an
//! optimized build it saves the moves of large values.
//!
//! The API's types also reference themselves (`FieldRules` ->
//! `RepeatedRules.items` -> `FieldRules`, `ProvisionPolicy` ->
//! `MultiStep.provisionSteps` -> `ProvisionPolicy`, ...). A field that leads
//! back into its own cycle is read through [`Nested`], which counts the
//! levels on the thread and refuses a body nested deeper than
//! [`MAX_NESTING`](super::MAX_NESTING): serde_json's limit of 128 JSON levels
//! is about the JSON, not the stack. Fields outside a cycle do not count.
//!
//! The generated code calls [`model_de!`](crate::models::macros), which writes
//! [`Fill`] and `Deserialize` for one struct from its list of fields; it
//! behaves as serde's derive with `#[serde(default)]` did on JSON: unknown
//! fields are skipped, a missing or `null` field is `None`, a repeated field
//! is an error (`duplicate field`). Unlike the derive, a struct is only read
//! from a JSON object, not from an array of its fields in order.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor,
};

/// A generated model, decoded into a value that already exists.
pub(crate) trait Fill: Default {
    /// Reads the fields of a JSON object into `out`, which is `Default`.
    fn fill<'de, D: Deserializer<'de>>(d: D, out: &mut Self) -> Result<(), D::Error>;
}

/// How a field of type `Option<T>` is read into its place.
pub(crate) trait Read<T> {
    fn read<'de, D: Deserializer<'de>>(d: D, slot: &mut Option<T>) -> Result<(), D::Error>;
}

/// The seed that reads one field with the kind `K`.
pub(crate) struct Field<'a, K, T>(&'a mut Option<T>, PhantomData<K>);

impl<'a, K, T> Field<'a, K, T> {
    pub(crate) fn new(slot: &'a mut Option<T>) -> Self {
        Field(slot, PhantomData)
    }
}

impl<'de, K: Read<T>, T> DeserializeSeed<'de> for Field<'_, K, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        K::read(d, self.0)
    }
}

/// An object key, as the index of the field it names (`usize::MAX`: none).
pub(crate) struct Key(pub(crate) fn(&str) -> usize);

impl<'de> DeserializeSeed<'de> for Key {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("field identifier")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<usize, E> {
        Ok((self.0)(v))
    }

    fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<usize, E> {
        Ok(std::str::from_utf8(v).map_or(usize::MAX, self.0))
    }
}

/// Marks field `index` as read; an error if it already was.
pub(crate) fn first<E: Error>(seen: &mut [u64], index: usize, wire: &'static str) -> Result<(), E> {
    let (word, bit) = (index / 64, 1u64 << (index % 64));
    if seen[word] & bit != 0 {
        return Err(E::duplicate_field(wire));
    }
    seen[word] |= bit;
    Ok(())
}

/// Scalars, text, enums, lists and maps of them, JSON values: read by value
/// (they are small).
pub(crate) struct Plain;

impl<T: DeserializeOwned> Read<T> for Plain {
    fn read<'de, D: Deserializer<'de>>(d: D, slot: &mut Option<T>) -> Result<(), D::Error> {
        *slot = serde::Deserialize::deserialize(d)?;
        Ok(())
    }
}

/// The protobuf forms of `wire`: 64-bit integers, timestamps, durations.
macro_rules! with_wire {
    ($($kind:ident: $t:ty => $module:ident;)*) => {$(
        pub(crate) struct $kind;

        impl Read<$t> for $kind {
            fn read<'de, D: Deserializer<'de>>(d: D, slot: &mut Option<$t>) -> Result<(), D::Error> {
                *slot = super::wire::$module::deserialize(d)?;
                Ok(())
            }
        }
    )*};
}

with_wire! {
    Int64: i64 => int64;
    Uint64: u64 => uint64;
    Int64s: Vec<i64> => int64s;
    Uint64s: Vec<u64> => uint64s;
    Timestamp: time::OffsetDateTime => timestamp;
    Timestamps: Vec<time::OffsetDateTime> => timestamps;
    Duration: time::SignedDuration => duration;
    Durations: Vec<time::SignedDuration> => durations;
}

/// `null` or absent: `None`; anything else goes to `some`.
fn option<'de, D, S>(d: D, some: S) -> Result<(), D::Error>
where
    D: Deserializer<'de>,
    S: Present<'de>,
{
    d.deserialize_option(OptionOf(some))
}

/// What an optional field does with a value.
trait Present<'de> {
    fn none(self);
    fn some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error>;
}

struct OptionOf<S>(S);

impl<'de, S: Present<'de>> Visitor<'de> for OptionOf<S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_unit<E: Error>(self) -> Result<(), E> {
        self.0.none();
        Ok(())
    }

    fn visit_none<E: Error>(self) -> Result<(), E> {
        self.0.none();
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.some(d)
    }
}

/// Another model.
pub(crate) struct Model;

struct ModelSlot<'a, T>(&'a mut Option<T>);

impl<'de, T: Fill> Present<'de> for ModelSlot<'_, T> {
    fn none(self) {
        *self.0 = None;
    }

    fn some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        T::fill(d, self.0.insert(T::default()))
    }
}

impl<T: Fill> Read<T> for Model {
    fn read<'de, D: Deserializer<'de>>(d: D, slot: &mut Option<T>) -> Result<(), D::Error> {
        option(d, ModelSlot(slot))
    }
}

/// Another model, boxed (a by-value reference inside a cycle).
pub(crate) struct Boxed;

struct BoxedSlot<'a, T>(&'a mut Option<Box<T>>);

impl<'de, T: Fill> Present<'de> for BoxedSlot<'_, T> {
    fn none(self) {
        *self.0 = None;
    }

    fn some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        T::fill(d, self.0.insert(Box::default()))
    }
}

impl<T: Fill> Read<Box<T>> for Boxed {
    fn read<'de, D: Deserializer<'de>>(d: D, slot: &mut Option<Box<T>>) -> Result<(), D::Error> {
        option(d, BoxedSlot(slot))
    }
}

/// A list of models: each item is pushed as `Default`, then filled.
pub(crate) struct Models;

struct ModelsSlot<'a, T>(&'a mut Option<Vec<T>>);

impl<'de, T: Fill> Present<'de> for ModelsSlot<'_, T> {
    fn none(self) {
        *self.0 = None;
    }

    fn some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(Items(self.0.insert(Vec::new())))
    }
}

impl<T: Fill> Read<Vec<T>> for Models {
    fn read<'de, D: Deserializer<'de>>(d: D, slot: &mut Option<Vec<T>>) -> Result<(), D::Error> {
        option(d, ModelsSlot(slot))
    }
}

struct Items<'a, T>(&'a mut Vec<T>);

impl<'de, T: Fill> Visitor<'de> for Items<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Push(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// Called only when the list has one more item.
struct Push<'a, T>(&'a mut Vec<T>);

impl<'de, T: Fill> DeserializeSeed<'de> for Push<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.push(T::default());
        let last = self.0.last_mut().expect("just pushed");
        T::fill(d, last)
    }
}

/// A map from text to models: each value is inserted as `Default`, then
/// filled (a repeated key replaces the earlier value, as serde's map does).
pub(crate) struct ModelMap;

struct ModelMapSlot<'a, T>(&'a mut Option<BTreeMap<String, T>>);

impl<'de, T: Fill> Present<'de> for ModelMapSlot<'_, T> {
    fn none(self) {
        *self.0 = None;
    }

    fn some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(Entries(self.0.insert(BTreeMap::new())))
    }
}

impl<T: Fill> Read<BTreeMap<String, T>> for ModelMap {
    fn read<'de, D: Deserializer<'de>>(
        d: D,
        slot: &mut Option<BTreeMap<String, T>>,
    ) -> Result<(), D::Error> {
        option(d, ModelMapSlot(slot))
    }
}

struct Entries<'a, T>(&'a mut BTreeMap<String, T>);

impl<'de, T: Fill> Visitor<'de> for Entries<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let value = match self.0.entry(key) {
                Entry::Vacant(e) => e.insert(T::default()),
                Entry::Occupied(mut e) => {
                    e.insert(T::default());
                    e.into_mut()
                }
            };
            map.next_value_seed(Place(value))?;
        }
        Ok(())
    }
}

struct Place<'a, T>(&'a mut T);

impl<'de, T: Fill> DeserializeSeed<'de> for Place<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        T::fill(d, self.0)
    }
}

/// A field that leads back into its own cycle of types, read with `K`: one
/// level of nesting while it decodes.
pub(crate) struct Nested<K>(PhantomData<K>);

pub(crate) type NestedModel = Nested<Model>;
pub(crate) type NestedBoxed = Nested<Boxed>;
pub(crate) type NestedModels = Nested<Models>;
pub(crate) type NestedModelMap = Nested<ModelMap>;

thread_local! {
    /// How many `Nested` fields are being decoded on this thread.
    static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// One level of nesting; leaving it (by any path, a panic included) puts the
/// count back.
struct Level;

impl Drop for Level {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
    }
}

impl<T, K: Read<T>> Read<T> for Nested<K> {
    fn read<'de, D: Deserializer<'de>>(d: D, slot: &mut Option<T>) -> Result<(), D::Error> {
        let depth = DEPTH.with(|d| {
            let depth = d.get() + 1;
            d.set(depth);
            depth
        });
        let _level = Level;
        if depth > super::MAX_NESTING {
            return Err(D::Error::custom(format_args!(
                "{}{} levels",
                c1_runtime::__private::NESTING_LIMIT_EXCEEDED,
                super::MAX_NESTING
            )));
        }
        K::read(d, slot)
    }
}

#[cfg(all(test, feature = "connector-owners-v2"))]
mod tests {
    use super::super::{MAX_NESTING, MultiStep, ProvisionPolicy};

    /// `ProvisionPolicy` nested `n` times through `multiStep.provisionSteps`
    /// (2 levels each), with `inner` at the bottom.
    fn policy(n: usize, inner: &str) -> String {
        let open = r#"{"multiStep":{"provisionSteps":["#.repeat(n);
        format!("{open}{inner}{}", "]}}".repeat(n))
    }

    #[test]
    fn nesting_is_bounded_and_the_count_comes_back() {
        let deepest = (MAX_NESTING / 2) as usize;
        for _ in 0..2 {
            let ok: ProvisionPolicy = serde_json::from_str(&policy(deepest, "{}")).unwrap();
            assert!(ok.multi_step.is_some());
            let err = serde_json::from_str::<ProvisionPolicy>(&policy(deepest + 1, "{}"))
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with(c1_runtime::__private::NESTING_LIMIT_EXCEEDED),
                "{err}"
            );
            assert!(err.contains(&format!("{MAX_NESTING} levels")), "{err}");
            // A failure below the limit leaves the count as it was, too.
            let err = serde_json::from_str::<ProvisionPolicy>(&policy(deepest, "5")).unwrap_err();
            assert!(
                err.to_string().starts_with("invalid type: integer"),
                "{err}"
            );
        }
        super::DEPTH.with(|d| assert_eq!(d.get(), 0));
    }

    #[test]
    fn fields_decode_in_place_like_the_derive() {
        let p: ProvisionPolicy = serde_json::from_str(
            r#"{"multiStep": null, "unknown": [1, {"a": 2}], "manual": {"instructions": "x"}}"#,
        )
        .unwrap();
        assert_eq!(p.multi_step, None);
        assert_eq!(p.manual.unwrap().instructions.as_deref(), Some("x"));
        let m: MultiStep =
            serde_json::from_str(r#"{"provisionSteps": [{}, {"manual": {}}]}"#).unwrap();
        assert_eq!(m.provision_steps.as_ref().map(Vec::len), Some(2));
        let err =
            serde_json::from_str::<MultiStep>(r#"{"provisionSteps": [], "provisionSteps": []}"#)
                .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("duplicate field `provisionSteps`"),
            "{err}"
        );
        let err = serde_json::from_str::<MultiStep>("[]").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid type: sequence, expected struct MultiStep"),
            "{err}"
        );
    }
}
