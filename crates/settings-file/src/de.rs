//! The values of a settings file as a serde `Deserializer` of a struct
//! whose fields are named as the keys, each refusal keeping what the field
//! expected; and the field names of such a struct.

use std::fmt;

use serde::de::value::{SeqDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

/// A value refused: what was expected, and at which key, with which value.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub(crate) expected: String,
    pub(crate) at: Option<(&'static str, String)>,
}

impl Refusal {
    fn expected(expected: impl fmt::Display) -> Self {
        Self {
            expected: expected.to_string(),
            at: None,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}", self.expected)
    }
}

impl std::error::Error for Refusal {}

impl de::Error for Refusal {
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::expected(message)
    }

    fn invalid_type(_: de::Unexpected, expected: &dyn de::Expected) -> Self {
        Self::expected(expected)
    }

    fn invalid_value(_: de::Unexpected, expected: &dyn de::Expected) -> Self {
        Self::expected(expected)
    }

    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        Self::expected(match expected {
            [] => "nothing".to_owned(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        })
    }
}

/// `T` from `values`, each a key with its text.
pub(crate) fn fill<T: DeserializeOwned>(values: Vec<(&'static str, &str)>) -> Result<T, Refusal> {
    T::deserialize(Values {
        values: values.into_iter(),
        value: None,
    })
}

/// The names `T`'s `Deserialize` gives its fields (after `rename_all`).
pub(crate) fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Names<'a>(&'a mut &'static [&'static str]);

    impl<'de> de::Deserializer<'de> for Names<'_> {
        type Error = Refusal;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Refusal> {
            Err(Refusal::expected("a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Refusal> {
            *self.0 = fields;
            Err(Refusal::expected("only the names"))
        }

        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    let mut names: &'static [&'static str] = &[];
    let _ = T::deserialize(Names(&mut names));
    names
}

/// The settings as a map from key to text.
struct Values<'a, I: Iterator<Item = (&'static str, &'a str)>> {
    values: I,
    value: Option<(&'static str, &'a str)>,
}

impl<'de, 'a, I: Iterator<Item = (&'static str, &'a str)>> de::Deserializer<'de> for Values<'a, I> {
    type Error = Refusal;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        visitor.visit_map(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, 'a, I: Iterator<Item = (&'static str, &'a str)>> de::MapAccess<'de> for Values<'a, I> {
    type Error = Refusal;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refusal> {
        let Some((key, text)) = self.values.next() else {
            return Ok(None);
        };
        self.value = Some((key, text));
        seed.deserialize(StrDeserializer::<Refusal>::new(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Refusal> {
        let (key, text) = self.value.take().expect("a value follows its key");
        seed.deserialize(Text(text)).map_err(|mut refusal| {
            refusal.at.get_or_insert((key, text.to_owned()));
            refusal
        })
    }
}

/// One setting's text, read as its field's type asks: numbers parsed, a
/// list split at commas, an enum by its name.
struct Text<'a>(&'a str);

impl<'de> IntoDeserializer<'de, Refusal> for Text<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// Integers parsed from the text, a refusal naming their range.
macro_rules! integers {
    ($($method:ident $visit:ident $type:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
            match self.0.trim().parse::<$type>() {
                Ok(number) => visitor.$visit(number),
                Err(_) => Err(Refusal::expected(format!(
                    "a whole number from {} to {}", <$type>::MIN, <$type>::MAX
                ))),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Text<'_> {
    type Error = Refusal;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        visitor.visit_str(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        let items = self
            .0
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty());
        let mut items = SeqDeserializer::new(items.map(Text));
        let list = visitor.visit_seq(&mut items)?;
        items.end()?;
        Ok(list)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        visitor.visit_enum(StrDeserializer::<Refusal>::new(self.0))
    }

    integers! {
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64
    }

    forward_to_deserialize_any! {
        bool i8 i16 i128 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct tuple tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    struct Example {
        port: Option<u16>,
        name: Option<String>,
        list: Option<Vec<u8>>,
        mode: Option<Mode>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Mode {
        Form,
        Hosted,
        Both,
    }

    #[test]
    fn the_field_names_are_the_keys() {
        assert_eq!(field_names::<Example>(), ["PORT", "NAME", "LIST", "MODE"]);
    }

    #[test]
    fn values_are_read_as_their_fields_type() {
        let example: Example =
            fill(vec![("PORT", "80"), ("LIST", "1, 2,,3"), ("MODE", "both")]).unwrap();
        assert_eq!(example.port, Some(80));
        assert_eq!(example.name, None);
        assert_eq!(example.list, Some(vec![1, 2, 3]));
        assert_eq!(example.mode, Some(Mode::Both));
    }

    #[test]
    fn a_refusal_names_the_key_the_value_and_what_was_expected() {
        for (key, text, expected) in [
            ("PORT", "http", "a whole number from 0 to 65535"),
            ("PORT", "70000", "a whole number from 0 to 65535"),
            ("LIST", "1,x", "a whole number from 0 to 255"),
            ("MODE", "sso", "form, hosted or both"),
        ] {
            let refusal = fill::<Example>(vec![("NAME", "n"), (key, text)]).unwrap_err();
            assert_eq!(refusal.expected, expected);
            assert_eq!(refusal.at, Some((key, text.to_owned())));
        }
    }
}
