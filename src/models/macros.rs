//! `open_enum!`: the open string enums of the models.

/// Declares an open enum: one variant per known wire value, plus
/// `Other(String)` that keeps any other value and writes it back unchanged.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        ///
        /// Open: a value this version of c1 does not know is kept in
        /// `Other` and sent back as it came. Build values from strings with
        /// `From<&str>`, which picks the known variant when there is one.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of c1 does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(other) => other,
                }
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::core::convert::From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $( $wire => Self::$variant, )+
                    _ => Self::Other(value),
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl crate::QueryValue for $name {
            fn to_query_value(&self) -> Option<::std::borrow::Cow<'_, str>> {
                Some(::std::borrow::Cow::Borrowed(self.as_str()))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(d).map(Self::from)
            }
        }
    };
}

/// `Deserialize` for a generated struct, through [`Fill`](super::de::Fill):
/// `index "wire" field: Kind,` per field (`Kind` from `de`: `Plain`,
/// `Int64`, `Model`, `NestedModels`, ...); `[words]` holds a bit per field.
macro_rules! model_de {
    ($name:ident [$words:literal] { $($index:literal $wire:literal $field:ident: $kind:ident,)* }) => {
        impl crate::models::de::Fill for $name {
            fn fill<'de, D: ::serde::Deserializer<'de>>(
                d: D,
                out: &mut Self,
            ) -> ::core::result::Result<(), D::Error> {
                // Empty structs never read their place.
                #[allow(dead_code)]
                struct Fields<'a>(&'a mut $name);

                impl<'de> ::serde::de::Visitor<'de> for Fields<'_> {
                    type Value = ();

                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }

                    #[allow(unused_mut, unused_variables)]
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::core::result::Result<(), A::Error> {
                        let mut seen = [0u64; $words];
                        while let Some(key) = map.next_key_seed(crate::models::de::Key(index))? {
                            match key {
                                $($index => {
                                    crate::models::de::first::<A::Error>(&mut seen, $index, $wire)?;
                                    map.next_value_seed(
                                        crate::models::de::Field::<crate::models::de::$kind, _>::new(
                                            &mut self.0.$field,
                                        ),
                                    )?;
                                })*
                                _ => {
                                    map.next_value::<::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(())
                    }
                }

                fn index(key: &str) -> usize {
                    match key {
                        $($wire => $index,)*
                        _ => usize::MAX,
                    }
                }

                d.deserialize_struct(stringify!($name), &[$($wire),*], Fields(out))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let mut out = Self::default();
                <Self as crate::models::de::Fill>::fill(d, &mut out)?;
                Ok(out)
            }
        }
    };
}

/// `Debug` for a generated struct with a field that holds a credential:
/// `"name" field: shown,` or `"name" field: redacted,` per field, in order.
/// A redacted field prints `None` or `Some("[redacted]")`, whatever it holds.
macro_rules! redacted_debug {
    ($name:ident { $($shown:literal $field:ident: $how:ident,)* }) => {
        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field($shown, &redacted_debug!(@$how self.$field)))*
                    .finish()
            }
        }
    };
    (@shown $value:expr) => { &$value };
    (@redacted $value:expr) => { crate::models::Redacted(&$value) };
}
