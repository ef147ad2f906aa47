//! A small JSON reader for the events the shim sends (`JSON.stringify` text).
//!
//! Events cross the boundary as one string each, so the wasm needs one
//! exported method instead of a typed export per event shape (each export
//! brings kilobytes of argument shims). Numbers are read without
//! `core::str::parse::<f64>` (several kilobytes of float parsing for values
//! that are small integers): digits are accumulated, which is exact for every
//! integer up to 2^53 and close enough for anything else.

use alloc::string::String;
use alloc::vec::Vec;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, keys in text order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// The value of `key` when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Parses `text` as one JSON value; the error is the byte offset where it stops making sense.
pub fn parse(text: &str) -> Result<Json, usize> {
    let mut r = Reader { text, s: text.as_bytes(), at: 0 };
    let v = r.value(0)?;
    r.space();
    if r.at == r.s.len() {
        Ok(v)
    } else {
        Err(r.at)
    }
}

/// Nesting deeper than this is refused (no event is more than four deep).
const MAX_DEPTH: u32 = 32;

struct Reader<'a> {
    text: &'a str,
    s: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.space();
        let hit = self.peek() == Some(b);
        if hit {
            self.at += 1;
        }
        hit
    }

    fn word(&mut self, w: &str, v: Json) -> Result<Json, usize> {
        if self.s.get(self.at..self.at + w.len()) == Some(w.as_bytes()) {
            self.at += w.len();
            Ok(v)
        } else {
            Err(self.at)
        }
    }

    fn value(&mut self, depth: u32) -> Result<Json, usize> {
        self.space();
        if depth > MAX_DEPTH {
            return Err(self.at);
        }
        match self.peek().ok_or(self.at)? {
            b'n' => self.word("null", Json::Null),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.at);
                        }
                    }
                }
                Ok(Json::Arr(items))
            }
            b'{' => {
                self.at += 1;
                let mut entries = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.space();
                        if self.peek() != Some(b'"') {
                            return Err(self.at);
                        }
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return Err(self.at);
                        }
                        entries.push((key, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.at);
                        }
                    }
                }
                Ok(Json::Obj(entries))
            }
            b'-' | b'0'..=b'9' => Ok(Json::Num(self.number())),
            _ => Err(self.at),
        }
    }

    fn digits(&mut self, mut f: impl FnMut(f64)) -> bool {
        let start = self.at;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            f((d - b'0') as f64);
            self.at += 1;
        }
        self.at > start
    }

    fn number(&mut self) -> f64 {
        let negative = self.eat(b'-');
        let mut n = 0.0;
        self.digits(|d| n = n * 10.0 + d);
        if self.peek() == Some(b'.') {
            self.at += 1;
            let mut scale = 1.0;
            self.digits(|d| {
                scale /= 10.0;
                n += d * scale;
            });
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            let down = self.peek() == Some(b'-');
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            let mut e = 0u32;
            self.digits(|d| e = (e * 10 + d as u32).min(400));
            for _ in 0..e {
                n = if down { n / 10.0 } else { n * 10.0 };
            }
        }
        if negative {
            -n
        } else {
            n
        }
    }

    fn string(&mut self) -> Result<String, usize> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.at;
            while !matches!(self.peek(), Some(b'"' | b'\\') | None) {
                self.at += 1;
            }
            // The stop bytes are ASCII, so both ends are char boundaries.
            out.push_str(self.text.get(start..self.at).ok_or(start)?);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(_) => {
                    let esc = *self.s.get(self.at + 1).ok_or(self.at)?;
                    self.at += 2;
                    out.push(match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        // JSON.stringify escapes only control characters and lone
                        // surrogates this way; a lone surrogate becomes U+FFFD.
                        b'u' => {
                            let hex = self.s.get(self.at..self.at + 4).ok_or(self.at)?;
                            let mut code = 0;
                            for h in hex {
                                code = code * 16 + (*h as char).to_digit(16).ok_or(self.at)?;
                            }
                            self.at += 4;
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(self.at - 1),
                    });
                }
                None => return Err(self.at),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;
    use alloc::vec;

    use super::{parse, Json};

    #[test]
    fn reads_what_json_stringify_writes() {
        let v = parse(r#"{"type":"taskChanged","n":-12,"f":2.5,"e":1e21,"ok":true,"no":false,"z":null,"a":[1,"x\"\\\n\u0001\ud800é"],"o":{}}"#).unwrap();
        assert_eq!(v.get("type"), Some(&Json::Str("taskChanged".into())));
        assert_eq!(v.get("n"), Some(&Json::Num(-12.0)));
        assert_eq!(v.get("f"), Some(&Json::Num(2.5)));
        assert_eq!(v.get("e"), Some(&Json::Num(1e21)));
        assert_eq!(v.get("ok"), Some(&Json::Bool(true)));
        assert_eq!(v.get("no"), Some(&Json::Bool(false)));
        assert_eq!(v.get("z"), Some(&Json::Null));
        assert_eq!(v.get("a"), Some(&Json::Arr(vec![Json::Num(1.0), Json::Str("x\"\\\n\u{1}\u{fffd}é".into())])));
        assert_eq!(v.get("o"), Some(&Json::Obj(vec![])));
        assert_eq!(v.get("missing"), None);
    }

    #[test]
    fn integers_are_exact_up_to_2_pow_53() {
        assert_eq!(parse("9007199254740993").unwrap(), Json::Num(9007199254740992.0));
        assert_eq!(parse(" 4294967295 ").unwrap(), Json::Num(4294967295.0));
    }

    #[test]
    fn malformed_text_reports_where() {
        for (text, at) in [("", 0), ("{", 1), ("{\"a\" 1}", 5), ("[1,]", 3), ("tru", 0), ("\"open", 5), ("{} x", 3), ("\"\\q\"", 2)] {
            assert_eq!(parse(text), Err(at), "{text}");
        }
        let deep = "[".repeat(40) + &"]".repeat(40);
        assert!(parse(&deep).is_err());
        assert_eq!(parse("\"\\u00e9\"").unwrap(), Json::Str("é".to_string()));
    }
}
