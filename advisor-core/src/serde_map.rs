//! Input structs read only from a map (a TOML table, a JSON object).
//!
//! serde's derived `Deserialize` for a struct also accepts a sequence, filling the fields in
//! declaration order: `[1, 2]` would read as a snapshot of 1 user in 2 regions. Each input
//! struct derives with `#[serde(remote = "Self")]` (which makes the derived code inherent
//! functions) and [`map_only!`] implements the traits over them, asking the format for a
//! map, so anything else is an "invalid type" error naming what was expected.

/// Implements `Serialize` and a map-only `Deserialize` for `$t`, derived with
/// `#[serde(remote = "Self")]`; `$expecting` completes "invalid type: ..., expected ...".
macro_rules! map_only {
    ($t:ty, $expecting:literal) => {
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct MapOnly;
                impl<'de> serde::de::Visitor<'de> for MapOnly {
                    type Value = $t;
                    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> Result<$t, A::Error> {
                        <$t>::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    }
                }
                d.deserialize_map(MapOnly)
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                <$t>::serialize(self, s)
            }
        }
    };
}
