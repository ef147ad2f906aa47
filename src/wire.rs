//! Commands to JSON text, for the shim's `JSON.parse`.
//!
//! A minimal `serde::Serializer` for the shapes [`Command`](crate::Command)
//! has (tagged structs, strings, booleans, small integers, unit variants,
//! one sequence). It replaces building JS objects field by field through
//! `serde_wasm_bindgen::to_value`: one string crosses the boundary instead
//! of dozens of calls, and the wasm is several kilobytes smaller (its
//! interning cache, hash map and per-field glue are gone). Any other shape is
//! an [`Unsupported`] error, never a panic.

use alloc::string::String;

use serde::ser::{self, Serialize};

use crate::engine::text::Piece;

/// A value of a shape this serializer does not write.
#[derive(Debug)]
pub struct Unsupported;

impl core::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("unsupported value")
    }
}

impl ser::StdError for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: core::fmt::Display>(_msg: T) -> Self {
        Unsupported
    }
}

/// Writes `value` as JSON text.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Unsupported> {
    let mut out = Json(String::new());
    value.serialize(&mut out)?;
    Ok(out.0)
}

struct Json(String);

impl Json {
    fn string(&mut self, s: &str) {
        let out = &mut self.0;
        out.push('"');
        // Runs of plain text are copied whole; only `"`, `\` and control
        // characters (all ASCII, so cuts fall on char boundaries) are escaped.
        let mut from = 0;
        for (i, b) in s.bytes().enumerate() {
            if b == b'"' || b == b'\\' || b < 0x20 {
                out.push_str(s.get(from..i).unwrap_or_default());
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str(match b {
                    b'"' => "\\\"",
                    b'\\' => "\\\\",
                    _ => "\\u00",
                });
                if b < 0x20 {
                    out.push(HEX[(b >> 4) as usize] as char);
                    out.push(HEX[(b & 15) as usize] as char);
                }
                from = i + 1;
            }
        }
        out.push_str(s.get(from..).unwrap_or_default());
        out.push('"');
    }

    /// Opens a JSON object or array; `first` tracks the comma.
    fn open(&mut self, bracket: char) -> Compound<'_> {
        self.0.push(bracket);
        Compound { json: self, first: true }
    }
}

struct Compound<'a> {
    json: &'a mut Json,
    first: bool,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.json.0.push(',');
        }
        self.first = false;
    }
}

type R = Result<(), Unsupported>;

impl<'a> ser::Serializer for &'a mut Json {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = ser::Impossible<(), Unsupported>;
    type SerializeTupleStruct = ser::Impossible<(), Unsupported>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = ser::Impossible<(), Unsupported>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> R {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> R {
        v.put(&mut self.0);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> R {
        v.put(&mut self.0);
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> R {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> R {
        Err(Unsupported)
    }
    fn serialize_char(self, v: char) -> R {
        let mut buf = [0u8; 4];
        self.string(v.encode_utf8(&mut buf));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> R {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> R {
        Err(Unsupported)
    }
    fn serialize_none(self) -> R {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> R {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        Ok(self.open('['))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Unsupported> {
        Ok(self.open('{'))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.comma();
        value.serialize(&mut *self.json)
    }
    fn end(self) -> R {
        self.json.0.push(']');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
        self.comma();
        self.json.string(key);
        self.json.0.push(':');
        value.serialize(&mut *self.json)
    }
    fn end(self) -> R {
        self.json.0.push('}');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::to_json;
    use crate::{Command, Level};

    #[test]
    fn every_command_shape_is_written() {
        use crate::Mode;
        let all = vec![
            Command::Log { level: Level::Info, message: "m".into() },
            Command::Notify { id: "config", level: Level::Error, message: "m".into() },
            Command::Enable { mode: Mode::Forward },
            Command::Cancel,
            Command::CreateDevice { device: 1, register: false },
            Command::DestroyDevice { device: 1 },
            Command::AcceptCall { device: 1, call: "CA1".into() },
            Command::ForwardCall { device: 1, call: "CA1".into() },
            Command::RestoreFlexPrompt { call: "CA1".into() },
            Command::MuteCall { call: "CA1".into(), muted: true },
            Command::DisconnectCall { call: "CA1".into() },
            Command::HoldParticipant { task: "WR1".into(), target: "CA2".into() },
            Command::SetActiveCall { call: "CA1".into() },
            Command::ClearActiveCall,
            Command::UpdateToken { device: 1 },
            Command::ApplyAudio { device: 1 },
            Command::StartTimer { timer: 1, after_ms: 50 },
        ];
        for c in &all {
            let text = to_json(c).unwrap_or_else(|_| panic!("{c:?} not written"));
            assert!(text.starts_with("{\"type\":\""), "{text}");
        }
    }

    #[test]
    fn commands_are_tagged_camel_case_json() {
        let cmds = vec![
            Command::Log { level: Level::Warning, message: "a \"quoted\" \\ line\n".into() },
            Command::CreateDevice { device: 3, register: true },
            Command::StartTimer { timer: 7, after_ms: 4000 },
            Command::ClearActiveCall,
        ];
        assert_eq!(
            to_json(&cmds).unwrap(),
            r#"[{"type":"log","level":"warning","message":"a \"quoted\" \\ line\u000a"},{"type":"createDevice","device":3,"register":true},{"type":"startTimer","timer":7,"after_ms":4000},{"type":"clearActiveCall"}]"#
        );
    }
}
