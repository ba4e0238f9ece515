//! Objects only where the schema says object.
//!
//! serde's derived `Deserialize` for a struct accepts two shapes: a map
//! (`{"in_app": true}`) and a sequence of the fields in declaration order
//! (`[true]`, or `[]` when every field has a default). No client means the
//! second, and the OpenAPI document says `object`, so a body such as
//! `{"nurture": []}` must be a 422, not a silent "change nothing".
//!
//! [`Strict`] wraps any deserializer and hands every struct a visitor that
//! refuses sequences, at every depth: each nested value, element, map value,
//! `Option` and enum variant is read through `Strict` again. Everything else
//! is forwarded unchanged. `#[serde(flatten)]` and untagged enums buffer
//! their input first and are not covered below that point; request bodies
//! use neither.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

/// Reads `T` from a JSON body, refusing arrays wherever a struct is expected.
pub fn from_slice<T: de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = T::deserialize(Strict(&mut de))?;
    de.end()?;
    Ok(value)
}

/// A deserializer whose structs are maps only.
pub struct Strict<D>(pub D);

/// Forwards a visitor, reading nested values through [`Strict`].
struct Wrap<V>(V);

/// A struct's visitor: as [`Wrap`], but a sequence is the wrong type.
struct StructOnly<V>(V);

struct Seed<S>(S);
struct Seq<A>(A);
struct Map<A>(A);
struct Enum<A>(A);
struct Variant<A>(A);

macro_rules! forward_deserialize {
    ($($method:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(Wrap(visitor))
        })*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    forward_deserialize!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap(v))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(v))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap(v))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(v))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, StructOnly(v))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap(v))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$method(v)
        })*
    };
}

/// The visitor methods both wrappers forward as they are.
macro_rules! forward_visitor_body {
    () => {
        type Value = V::Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }

        forward_visit!(
            visit_bool(bool),
            visit_i8(i8),
            visit_i16(i16),
            visit_i32(i32),
            visit_i64(i64),
            visit_i128(i128),
            visit_u8(u8),
            visit_u16(u16),
            visit_u32(u32),
            visit_u64(u64),
            visit_u128(u128),
            visit_f32(f32),
            visit_f64(f64),
            visit_char(char),
            visit_str(&str),
            visit_borrowed_str(&'de str),
            visit_string(String),
            visit_bytes(&[u8]),
            visit_borrowed_bytes(&'de [u8]),
            visit_byte_buf(Vec<u8>),
        );

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            self.0.visit_none()
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            self.0.visit_unit()
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            self.0.visit_some(Strict(d))
        }

        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            self.0.visit_newtype_struct(Strict(d))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            self.0.visit_map(Map(map))
        }

        fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
            self.0.visit_enum(Enum(data))
        }
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    forward_visitor_body!();

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Seq(seq))
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for StructOnly<V> {
    forward_visitor_body!();

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Strict(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Enum<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self::Variant), A::Error> {
        self.0.variant_seed(Seed(seed)).map(|(value, variant)| (value, Variant(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(v))
    }

    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], v: V) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, StructOnly(v))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::collections::HashMap;

    use serde::Deserialize;

    use super::from_slice;

    #[derive(Debug, PartialEq, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Channels {
        #[serde(default)]
        in_app: Option<bool>,
        #[serde(default)]
        email: Option<bool>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Body {
        #[serde(default)]
        one: Option<Channels>,
        #[serde(default)]
        many: Vec<Channels>,
        #[serde(default)]
        by_key: HashMap<String, Channels>,
        #[serde(default)]
        pair: Option<(u8, String)>,
        #[serde(default)]
        kind: Option<Kind>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Boxed(Channels),
        Shaped { size: u8 },
    }

    fn parse(s: &str) -> Result<Body, String> {
        from_slice::<Body>(s.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn objects_are_read_as_before() {
        let b = parse(
            r#"{"one":{"email":true},"many":[{},{"in_app":false}],"by_key":{"a":{"email":false}},
                "pair":[1,"x"],"kind":{"boxed":{"in_app":true}}}"#,
        )
        .unwrap();
        assert_eq!(b.one, Some(Channels { in_app: None, email: Some(true) }));
        assert_eq!(b.many, vec![Channels::default(), Channels { in_app: Some(false), email: None }]);
        assert_eq!(b.by_key["a"], Channels { in_app: None, email: Some(false) });
        assert_eq!(b.pair, Some((1, "x".to_owned())));
        assert_eq!(b.kind, Some(Kind::Boxed(Channels { in_app: Some(true), email: None })));
        assert_eq!(parse(r#"{"kind":"plain"}"#).unwrap().kind, Some(Kind::Plain));
        assert_eq!(parse(r#"{"kind":{"shaped":{"size":3}}}"#).unwrap().kind, Some(Kind::Shaped { size: 3 }));
    }

    #[test]
    fn arrays_are_refused_wherever_a_struct_is_expected() {
        for body in [
            r#"[]"#,
            r#"[null, [], {}, null, null]"#,
            r#"{"one":[]}"#,
            r#"{"one":[true, false]}"#,
            r#"{"many":[{}, []]}"#,
            r#"{"by_key":{"a":[]}}"#,
            r#"{"kind":{"boxed":[]}}"#,
            r#"{"kind":{"shaped":[3]}}"#,
        ] {
            let err = parse(body).expect_err(body);
            assert!(err.contains("invalid type: sequence"), "{body}: {err}");
        }
    }

    #[test]
    fn other_errors_are_unchanged() {
        assert!(parse(r#"{"one":{"in_app":1}}"#).unwrap_err().contains("invalid type: integer `1`, expected"));
        assert!(parse(r#"{"one":{"x":true}}"#).unwrap_err().contains("unknown field `x`"));
        assert!(parse(r#"{} {}"#).unwrap_err().contains("trailing characters"));
        assert!(parse(r#"{"one":"#).is_err());
    }
}
