//! JSON text with byte positions. A workflow configuration is edited by
//! splicing new text into the text as read, so that everything the tool does
//! not edit (numbers, escapes, spacing, key order, even repeated keys) is
//! written back byte for byte. serde_json's borrowed [`RawValue`] gives each
//! value as a slice of the original text; its offset is its position.

use std::fmt;
use std::ops::Range;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The members of an object in text order, repeated keys included.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Collect;
        impl<'de> Visitor<'de> for Collect {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    out.push(entry);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(Collect)
    }
}

/// What a JSON value is, with its children as slices of the same text.
pub enum Shape<'a> {
    /// An object's members: key and value text, in order.
    Object(Vec<(String, &'a str)>),
    /// An array's items.
    Array(Vec<&'a str>),
    /// A string, number, boolean or null.
    Scalar,
}

/// Reads the shape of one JSON value (text without surrounding space).
pub fn shape(value: &str) -> Result<Shape<'_>, serde_json::Error> {
    Ok(match value.as_bytes().first() {
        Some(b'{') => Shape::Object(
            serde_json::from_str::<Members<'_>>(value)?
                .0
                .into_iter()
                .map(|(k, v)| (k, v.get()))
                .collect(),
        ),
        Some(b'[') => Shape::Array(
            serde_json::from_str::<Vec<&RawValue>>(value)?
                .into_iter()
                .map(RawValue::get)
                .collect(),
        ),
        _ => Shape::Scalar,
    })
}

/// The top-level value of a document, without the space around it.
pub fn root(text: &str) -> Result<&str, serde_json::Error> {
    serde_json::from_str::<&RawValue>(text).map(RawValue::get)
}

/// Where `part` (a slice of `whole`, as [`shape`] returns) starts in `whole`.
pub fn offset(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize)
}

/// The byte range of `part` in `whole`.
pub fn span(whole: &str, part: &str) -> Range<usize> {
    let start = offset(whole, part);
    start..start + part.len()
}

/// Replaces byte ranges of `text`; the ranges must not overlap.
pub fn splice(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| r.start);
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|(_, s)| s.len()).sum::<usize>());
    let mut at = 0;
    for (range, new) in edits {
        out.push_str(&text[at..range.start]);
        out.push_str(&new);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Escapes one key for a JSON pointer (RFC 6901).
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn children_are_slices_of_the_text_with_their_positions() {
        let text = r#" {"a" : [1E5, {"b":"\u00e9"}], "a": null} "#;
        let root = root(text).unwrap();
        assert_eq!(offset(text, root), 1);
        let Shape::Object(members) = shape(root).unwrap() else {
            panic!()
        };
        assert_eq!(members.len(), 2, "repeated keys are kept");
        let Shape::Array(items) = shape(members[0].1).unwrap() else {
            panic!()
        };
        assert_eq!(&text[span(text, items[0])], "1E5");
        assert_eq!(&text[span(text, items[1])], r#"{"b":"\u00e9"}"#);
        assert_eq!(
            splice(text, vec![(span(text, items[0]), "2".into())]),
            r#" {"a" : [2, {"b":"\u00e9"}], "a": null} "#
        );
    }
}
