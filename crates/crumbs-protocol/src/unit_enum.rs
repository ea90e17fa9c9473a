//! Reading an enum of unit variants (a string on the wire) as `#[derive(Deserialize)]`
//! reads it, with one function for every such enum.
//!
//! The derive writes a visitor and a variant identifier per enum, about 1 KB of Wasm
//! each; [`Reason`](crate::api::Reason) and the mock's strategy and store kind are read in
//! the page, so they share this one instead. Same inputs accepted (`"name"`, or
//! `{"name": null}` in serde_json's enum form), same errors, word for word: the tests
//! compare it with the derive.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, Unexpected, VariantAccess, Visitor,
};

/// The index in `variants` (the names as written on the wire, in declaration order) of
/// the variant `deserializer` holds, for the unit-only enum `name`. `other`: the index of
/// a variant that stands in for any unknown name, as `#[serde(other)]` makes one; without
/// it an unknown name is an "unknown variant" error.
///
/// ```
/// use crumbs_protocol::unit_enum::variant_index;
/// const NAMES: &[&str] = &["light", "dark"];
/// let mut json = serde_json::Deserializer::from_str(r#""dark""#);
/// assert_eq!(variant_index(&mut json, "Theme", NAMES, None).unwrap(), 1);
/// let mut json = serde_json::Deserializer::from_str(r#""sepia""#);
/// let error = variant_index(&mut json, "Theme", NAMES, None).unwrap_err();
/// assert_eq!(error.to_string(), "unknown variant `sepia`, expected `light` or `dark` at line 1 column 7");
/// ```
pub fn variant_index<'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    variants: &'static [&'static str],
    other: Option<usize>,
) -> Result<usize, D::Error> {
    deserializer.deserialize_enum(
        name,
        variants,
        UnitEnum {
            name,
            variants,
            other,
        },
    )
}

#[derive(Clone, Copy)]
struct UnitEnum {
    name: &'static str,
    variants: &'static [&'static str],
    other: Option<usize>,
}

impl<'de> Visitor<'de> for UnitEnum {
    type Value = usize;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "enum {}", self.name)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<usize, A::Error> {
        let (index, variant) = data.variant_seed(Identifier(self))?;
        variant.unit_variant()?;
        Ok(index)
    }
}

/// The variant's name (or index, in formats that write one).
struct Identifier(UnitEnum);

impl<'de> DeserializeSeed<'de> for Identifier {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Identifier {
    fn unknown<E: de::Error>(&self, name: &str) -> Result<usize, E> {
        self.0
            .other
            .ok_or_else(|| E::unknown_variant(name, self.0.variants))
    }
}

impl<'de> Visitor<'de> for Identifier {
    type Value = usize;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("variant identifier")
    }

    fn visit_u64<E: de::Error>(self, index: u64) -> Result<usize, E> {
        let known = self.0.variants.len() - usize::from(self.0.other.is_some());
        match usize::try_from(index) {
            Ok(index) if index < known => Ok(index),
            _ => self.0.other.ok_or_else(|| {
                E::invalid_value(
                    Unexpected::Unsigned(index),
                    &format!("variant index 0 <= i < {known}").as_str(),
                )
            }),
        }
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<usize, E> {
        match self.0.variants.iter().position(|known| *known == name) {
            Some(index) => Ok(index),
            None => self.unknown(name),
        }
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<usize, E> {
        match self
            .0
            .variants
            .iter()
            .position(|known| known.as_bytes() == name)
        {
            Some(index) => Ok(index),
            None => self.unknown(&String::from_utf8_lossy(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Deserializer};

    use super::variant_index;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Derived {
        ServerSession,
        CookieOnly,
    }

    #[derive(Debug, PartialEq)]
    enum Shared {
        ServerSession,
        CookieOnly,
    }

    impl<'de> Deserialize<'de> for Shared {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let names = &["server_session", "cookie_only"];
            Ok(match variant_index(deserializer, "Derived", names, None)? {
                0 => Shared::ServerSession,
                _ => Shared::CookieOnly,
            })
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum DerivedOther {
        Tampered,
        Expired,
        #[serde(other)]
        Unknown,
    }

    #[derive(Debug, PartialEq)]
    enum SharedOther {
        Tampered,
        Expired,
        Unknown,
    }

    impl<'de> Deserialize<'de> for SharedOther {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let names = &["tampered", "expired", "unknown"];
            Ok(
                match variant_index(deserializer, "DerivedOther", names, Some(2))? {
                    0 => SharedOther::Tampered,
                    1 => SharedOther::Expired,
                    _ => SharedOther::Unknown,
                },
            )
        }
    }

    const INPUTS: &[&str] = &[
        r#""server_session""#,
        r#""cookie_only""#,
        r#""tampered""#,
        r#""expired""#,
        r#""unknown""#,
        r#""Tampered""#,
        r#""""#,
        r#""bogus""#,
        r#"{"expired":null}"#,
        r#"{"cookie_only":null}"#,
        r#"{"cookie_only":1}"#,
        r#"{"bogus":null}"#,
        r#"{"expired":null,"tampered":null}"#,
        r#"{}"#,
        r#"{"#,
        r#""cookie_only"#,
        r#"0"#,
        r#"1"#,
        r#"-1"#,
        r#"1.5"#,
        r#"true"#,
        r#"null"#,
        r#"[]"#,
        r#"["expired"]"#,
        r#""#,
        r#"  "expired"  "#,
        r#""expired" x"#,
        r#""expir\u0065d""#,
        "\"cookie_only\u{0}\"",
    ];

    /// The outcome as text: the variant's debug name, or the error's words.
    fn read<T: for<'de> Deserialize<'de> + std::fmt::Debug>(input: &str) -> String {
        match serde_json::from_str::<T>(input) {
            Ok(value) => format!("{value:?}"),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn reads_and_refuses_as_the_derive_does() {
        for input in INPUTS {
            assert_eq!(read::<Shared>(input), read::<Derived>(input), "{input}");
            assert_eq!(
                read::<SharedOther>(input),
                read::<DerivedOther>(input),
                "{input}"
            );
        }
    }

    #[test]
    fn reads_fields_and_lists_as_the_derive_does() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)] // Read through Debug only.
        struct Holder<T> {
            strategy: T,
        }
        for input in INPUTS {
            let field = format!(r#"{{"strategy":{input}}}"#);
            assert_eq!(
                read::<Holder<Shared>>(&field),
                read::<Holder<Derived>>(&field),
                "{field}"
            );
            let list = format!("[{input}, {input}]");
            assert_eq!(
                read::<Vec<SharedOther>>(&list),
                read::<Vec<DerivedOther>>(&list),
                "{list}"
            );
        }
    }
}
