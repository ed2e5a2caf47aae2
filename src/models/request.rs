//! Building requests: the setters of every model a request body reaches
//! (`setters!`), and the `update_mask` of an update body made from the fields
//! set to `Some` (`set_paths!`, `update_body!`). The generated files invoke
//! these macros, so each model's code is a line per field.

/// Chainable setters, one per field, named like it: `(mut self, value) ->
/// Self`, setting the field to `Some(value.into())`. A field's argument is
/// `impl Into<T>` for text, enums, lists, maps and models, and `T` itself
/// for numbers and booleans (so `50` needs no suffix).
macro_rules! setters {
    ($name:ident { $($field:ident: $arg:ty,)* }) => {
        impl $name {
            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                #[inline]
                pub fn $field(mut self, value: $arg) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

/// The wire names of the fields set to `Some` that make an update's mask:
/// `Name { "wire" field, .. }` lists a model's writable fields; `Name =>
/// field` delegates to the object an update body holds.
macro_rules! set_paths {
    ($name:ident { $($wire:literal $field:ident,)* }) => {
        impl crate::models::request::SetPaths for $name {
            fn set_paths(&self, mask: &mut String) {
                $(
                    if self.$field.is_some() {
                        crate::models::request::push(mask, $wire);
                    }
                )*
            }
        }
    };
    ($name:ident => $field:ident) => {
        impl crate::models::request::SetPaths for $name {
            fn set_paths(&self, mask: &mut String) {
                if let Some(object) = &self.$field {
                    crate::models::request::SetPaths::set_paths(object, mask);
                }
            }
        }
    };
}

/// `Serialize` for an update body: each field as serde's derive writes it
/// (camelCase names, `None` left out), and `updateMask`, when it is `None`,
/// made from the fields set to `Some` (left out when none is). The fields
/// before `updateMask` in wire order come first, those after it last.
macro_rules! update_body {
    ($name:ident { $($wire:literal $field:ident,)* } { $($wire2:literal $field2:ident,)* }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let made;
                let mask = match &self.update_mask {
                    Some(mask) => Some(mask),
                    None => {
                        made = crate::models::request::mask_of(self);
                        made.as_ref()
                    }
                };
                let len = [$(self.$field.is_some(),)* mask.is_some(), $(self.$field2.is_some(),)*]
                    .iter()
                    .filter(|set| **set)
                    .count();
                let mut out = s.serialize_struct(stringify!($name), len)?;
                $(
                    match &self.$field {
                        Some(value) => out.serialize_field($wire, value)?,
                        None => out.skip_field($wire)?,
                    }
                )*
                match mask {
                    Some(mask) => out.serialize_field("updateMask", mask)?,
                    None => out.skip_field("updateMask")?,
                }
                $(
                    match &self.$field2 {
                        Some(value) => out.serialize_field($wire2, value)?,
                        None => out.skip_field($wire2)?,
                    }
                )*
                out.end()
            }
        }
    };
}

/// A model whose set fields name what an update changes.
pub(crate) trait SetPaths {
    /// Appends the wire names of the fields set to `Some`, comma-separated.
    fn set_paths(&self, mask: &mut String);
}

/// Appends one wire name to a mask.
pub(crate) fn push(mask: &mut String, wire: &str) {
    if !mask.is_empty() {
        mask.push(',');
    }
    mask.push_str(wire);
}

/// The mask naming the fields of `model` set to `Some`; `None` when none is
/// (an empty mask could read as "every field").
pub(crate) fn mask_of(model: &impl SetPaths) -> Option<String> {
    let mut mask = String::new();
    model.set_paths(&mut mask);
    (!mask.is_empty()).then_some(mask)
}
