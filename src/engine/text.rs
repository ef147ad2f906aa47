//! Message text without `core::fmt`.
//!
//! `format!` pulls the formatting machinery into the wasm (several kilobytes
//! per call site shape, plus integer and float printing); messages here are
//! only words, sids and small counts, so plain concatenation does.

use alloc::string::String;

/// A piece of a message.
pub trait Piece {
    /// Appends this piece to `out`.
    fn put(&self, out: &mut String);
}

impl Piece for &str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for &String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for u32 {
    fn put(&self, out: &mut String) {
        (*self as u64).put(out);
    }
}

impl Piece for u64 {
    fn put(&self, out: &mut String) {
        let mut digits = [0u8; 20];
        let mut n = *self;
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for d in &digits[i..] {
            out.push(*d as char);
        }
    }
}

impl Piece for i64 {
    fn put(&self, out: &mut String) {
        if *self < 0 {
            out.push('-');
        }
        self.unsigned_abs().put(out);
    }
}

/// Concatenates message pieces (`&str`, `String`, integers) into a `String`.
macro_rules! text {
    ($($piece:expr),* $(,)?) => {{
        let mut out = String::new();
        $( $crate::engine::text::Piece::put(&$piece, &mut out); )*
        out
    }};
}
pub(crate) use text;
