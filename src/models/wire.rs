//! Serde helpers for protobuf's JSON mapping: 64-bit integers, timestamps and
//! durations. Each helper reads and writes an `Option`, with `null` as `None`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// 64-bit integers (`int64` as `i64`, `uint64` as `u64`): read from a JSON
/// string or number, written as a string.
macro_rules! integer64 {
    ($module:ident, $t:ty, $min:expr, $max:expr) => {
        pub(crate) mod $module {
            use super::*;

            pub(crate) fn serialize<S: Serializer>(
                value: &Option<$t>,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                match value {
                    Some(v) => s.collect_str(v),
                    None => s.serialize_none(),
                }
            }

            pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
                d: D,
            ) -> Result<Option<$t>, D::Error> {
                d.deserialize_any(IntVisitor)
            }

            struct IntVisitor;

            impl<'de> Visitor<'de> for IntVisitor {
                type Value = Option<$t>;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a 64-bit integer as a string or a number")
                }

                fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                    Ok(None)
                }

                fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                    Ok(None)
                }

                fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                    d.deserialize_any(self)
                }

                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                    <$t>::try_from(v)
                        .map(Some)
                        .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                }

                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                    <$t>::try_from(v)
                        .map(Some)
                        .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
                }

                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                    // Protobuf accepts an integral float such as `1e3`; nothing else.
                    if v.fract() == 0.0 && v >= $min && v < $max {
                        Ok(Some(v as $t))
                    } else {
                        Err(E::invalid_value(de::Unexpected::Float(v), &self))
                    }
                }

                fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                    v.parse::<$t>()
                        .map(Some)
                        .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
    };
}

integer64!(int64, i64, -(2f64.powi(63)), 2f64.powi(63));
integer64!(uint64, u64, 0.0, 2f64.powi(64));

/// Lists of values that one of the helpers above reads and writes: the same
/// form for each item; `null` for the whole list is `None`, inside it an error.
macro_rules! list_of {
    ($module:ident, $one:ident, $t:ty) => {
        pub(crate) mod $module {
            use super::*;

            struct One($t);

            impl<'de> serde::Deserialize<'de> for One {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    super::$one::deserialize(d)?
                        .map(One)
                        .ok_or_else(|| de::Error::custom("null inside a list"))
                }
            }

            struct Ref<'a>(&'a $t);

            impl serde::Serialize for Ref<'_> {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    super::$one::serialize(&Some(*self.0), s)
                }
            }

            pub(crate) fn serialize<S: Serializer>(
                value: &Option<Vec<$t>>,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                match value {
                    Some(v) => s.collect_seq(v.iter().map(Ref)),
                    None => s.serialize_none(),
                }
            }

            pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
                d: D,
            ) -> Result<Option<Vec<$t>>, D::Error> {
                let items: Option<Vec<One>> = serde::Deserialize::deserialize(d)?;
                Ok(items.map(|v| v.into_iter().map(|o| o.0).collect()))
            }
        }
    };
}

list_of!(int64s, int64, i64);
list_of!(uint64s, uint64, u64);
list_of!(timestamps, timestamp, time::OffsetDateTime);
list_of!(durations, duration, time::SignedDuration);

/// Timestamps: RFC 3339 in, protobuf's canonical form out (UTC, `Z`, and 0,
/// 3, 6 or 9 fractional digits), which is what the server sends.
pub(crate) mod timestamp {
    use time::format_description::well_known::Rfc3339;
    use time::{OffsetDateTime, UtcOffset};

    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_str(&format(*v).map_err(serde::ser::Error::custom)?),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        let Some(text) = <Option<String> as serde::Deserialize>::deserialize(d)? else {
            return Ok(None);
        };
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(Some)
            .map_err(|_| {
                de::Error::invalid_value(de::Unexpected::Str(&text), &"an RFC 3339 timestamp")
            })
    }

    /// Formats `value` the way protobuf's JSON mapping does: in UTC, with
    /// `Z`. A value that leaves years 0..=9999 once in UTC (such as
    /// `0000-01-01T00:00:00+01:00`, found by the `decode_models` fuzz target)
    /// is written with its own offset instead, so what decodes can be sent back.
    pub(crate) fn format(value: OffsetDateTime) -> Result<String, String> {
        let utc = value
            .checked_to_offset(UtcOffset::UTC)
            .filter(|utc| (0..=9999).contains(&utc.year()));
        let Some(utc) = utc else {
            return value
                .format(&Rfc3339)
                .map_err(|e| format!("{value} cannot be written in RFC 3339: {e}"));
        };
        let year = utc.year();
        let mut out = format!(
            "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            u8::from(utc.month()),
            utc.day(),
            utc.hour(),
            utc.minute(),
            utc.second()
        );
        push_fraction(&mut out, utc.nanosecond());
        out.push('Z');
        Ok(out)
    }
}

/// Durations: protobuf's `"<seconds>[.<fraction>]s"` form, such as `"3600s"`
/// or `"-1.5s"`; written back canonically (`"1.500s"`, 0/3/6/9 digits).
pub(crate) mod duration {
    use time::SignedDuration as Duration;

    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<Duration>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_str(&format(*v)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        let Some(text) = <Option<String> as serde::Deserialize>::deserialize(d)? else {
            return Ok(None);
        };
        parse(&text).map(Some).ok_or_else(|| {
            de::Error::invalid_value(
                de::Unexpected::Str(&text),
                &"a protobuf duration such as \"3600s\" or \"1.5s\"",
            )
        })
    }

    /// Parses `"[-]<digits>[.<1 to 9 digits>]s"`.
    pub(crate) fn parse(text: &str) -> Option<Duration> {
        let body = text.strip_suffix('s')?;
        let (negative, body) = match body.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let (whole, fraction) = match body.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (body, None),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let seconds: i64 = whole.parse().ok()?;
        let mut nanos: i32 = 0;
        if let Some(fraction) = fraction {
            if fraction.is_empty()
                || fraction.len() > 9
                || !fraction.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let digits: i32 = fraction.parse().ok()?;
            nanos = digits * 10i32.pow(9 - fraction.len() as u32);
        }
        Some(if negative {
            Duration::new(-seconds, -nanos)
        } else {
            Duration::new(seconds, nanos)
        })
    }

    /// Formats `value` the way protobuf's JSON mapping does.
    pub(crate) fn format(value: Duration) -> String {
        let mut out = String::new();
        if value.is_negative() {
            out.push('-');
        }
        out.push_str(&value.whole_seconds().unsigned_abs().to_string());
        push_fraction(&mut out, value.subsec_nanoseconds().unsigned_abs());
        out.push('s');
        out
    }
}

/// Appends `.` and 3, 6 or 9 digits of `nanos`, or nothing when it is zero.
fn push_fraction(out: &mut String, nanos: u32) {
    use std::fmt::Write;
    let _ = if nanos == 0 {
        Ok(())
    } else if nanos.is_multiple_of(1_000_000) {
        write!(out, ".{:03}", nanos / 1_000_000)
    } else if nanos.is_multiple_of(1_000) {
        write!(out, ".{:06}", nanos / 1_000)
    } else {
        write!(out, ".{nanos:09}")
    };
}
