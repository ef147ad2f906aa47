//! TaskRouter expression language: a parser, and the one edit multi-call needs.
//!
//! The edit ([`ensure_capacity_condition`]) never rebuilds the expression from
//! the tree: it keeps the admin's text byte for byte and only appends
//! `AND worker.channel.voice.available_capacity_percentage == 100`, adding
//! parentheses when the original's shape needs them. The tree is used to
//! decide whether the condition is already there and whether parentheses are
//! needed, and to refuse text we cannot read instead of guessing.

use std::fmt;

/// The condition that keeps a worker already on a call from being offered another one.
pub const CAPACITY_CONDITION: &str = "worker.channel.voice.available_capacity_percentage == 100";

/// The attribute the capacity condition tests.
const CAPACITY_ATTRIBUTE: &str = "worker.channel.voice.available_capacity_percentage";

/// A byte range into the parsed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A comparison or list operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==` or `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `HAS`: the list on the left holds the value on the right.
    Has,
    /// `IN`: the value on the left is in the list on the right.
    In,
    /// `NOT IN`.
    NotIn,
    /// `CONTAINS`: the string on the left contains the one on the right.
    Contains,
}

impl CmpOp {
    /// The canonical spelling, used when printing a tree.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Has => "HAS",
            CmpOp::In => "IN",
            CmpOp::NotIn => "NOT IN",
            CmpOp::Contains => "CONTAINS",
        }
    }
}

/// A literal or attribute reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A dotted attribute path such as `worker.routing.skills`.
    Ident(String),
    /// A quoted string, unescaped.
    Str(String),
    /// A number, kept as written so printing it back is exact.
    Num(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A bracketed list.
    List(Vec<Value>),
}

/// An expression tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every part must hold (`a AND b AND c`).
    And(Vec<Node>),
    /// Any part must hold (`a OR b OR c`).
    Or(Vec<Node>),
    /// `NOT a`.
    Not(Box<Node>),
    /// `left op right`.
    Cmp(Value, CmpOp, Value),
    /// A bare value used as a condition (`true`, `worker.is_lead`).
    Atom(Value),
    /// `( inner )`, kept so shapes and spans survive a round trip.
    Paren(Box<Node>),
}

/// An expression with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The expression.
    pub expr: Expr,
    /// Its text in the source.
    pub span: Span,
}

/// Why an expression could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based character column where reading stopped.
    pub column: usize,
    /// What was expected or found there.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}", self.message, self.column)
    }
}

impl std::error::Error for ParseError {}

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Op(CmpOp),
    And,
    Or,
    Not,
    Value(Value),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

fn column_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].chars().count() + 1
}

fn error_at(text: &str, byte: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        column: column_of(text, byte),
        message: message.into(),
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// TaskRouter names cannot hold '-'; reading `a-b` as a name or as `a` minus
/// `b` would both be guesses, so it is refused with the name it sits in.
fn hyphen_in_name(text: &str, start: usize, hyphen: usize) -> ParseError {
    let rest = &text[hyphen..];
    let tail = rest
        .find(|c: char| !(is_ident_char(c) || c == '-' || c == '.'))
        .map_or(rest, |end| &rest[..end]);
    let name = format!("{}{tail}", &text[start..hyphen]);
    error_at(
        text,
        hyphen,
        format!("'-' in the name '{name}': TaskRouter attribute names hold only letters, digits, '_' and '.'; quote it if it is meant as a string"),
    )
}

fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = text[i..].chars().next().unwrap_or('\0');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let single = |tok: Tok| Token {
            tok,
            span: Span {
                start,
                end: start + 1,
            },
        };
        match c {
            '(' => {
                out.push(single(Tok::LParen));
                i += 1;
            }
            ')' => {
                out.push(single(Tok::RParen));
                i += 1;
            }
            '[' => {
                out.push(single(Tok::LBracket));
                i += 1;
            }
            ']' => {
                out.push(single(Tok::RBracket));
                i += 1;
            }
            ',' => {
                out.push(single(Tok::Comma));
                i += 1;
            }
            '=' | '!' | '<' | '>' => {
                let two = text.get(i..i + 2).unwrap_or("");
                let (op, len) = match (c, two) {
                    (_, "==") => (CmpOp::Eq, 2),
                    (_, "!=") => (CmpOp::Ne, 2),
                    (_, ">=") => (CmpOp::Ge, 2),
                    (_, "<=") => (CmpOp::Le, 2),
                    ('=', _) => (CmpOp::Eq, 1),
                    ('>', _) => (CmpOp::Gt, 1),
                    ('<', _) => (CmpOp::Lt, 1),
                    _ => return Err(error_at(text, i, "'!' must be followed by '='")),
                };
                out.push(Token {
                    tok: Tok::Op(op),
                    span: Span {
                        start,
                        end: i + len,
                    },
                });
                i += len;
            }
            '"' | '\'' => {
                let (value, end) = lex_string(text, i, c)?;
                out.push(Token {
                    tok: Tok::Value(Value::Str(value)),
                    span: Span { start, end },
                });
                i = end;
            }
            c if c.is_ascii_digit()
                || (c == '-' && next_is_digit(text, i + 1))
                || (c == '.' && next_is_digit(text, i + 1)) =>
            {
                let end = lex_number(text, i)?;
                out.push(Token {
                    tok: Tok::Value(Value::Num(text[i..end].to_string())),
                    span: Span { start, end },
                });
                i = end;
            }
            c if is_ident_start(c) => {
                let end = lex_ident(text, i)?;
                let word = &text[i..end];
                let tok = match word.to_ascii_uppercase().as_str() {
                    "AND" => Tok::And,
                    "OR" => Tok::Or,
                    "NOT" => Tok::Not,
                    "HAS" => Tok::Op(CmpOp::Has),
                    "IN" => Tok::Op(CmpOp::In),
                    "CONTAINS" => Tok::Op(CmpOp::Contains),
                    "TRUE" => Tok::Value(Value::Bool(true)),
                    "FALSE" => Tok::Value(Value::Bool(false)),
                    "NULL" => Tok::Value(Value::Null),
                    _ => Tok::Value(Value::Ident(word.to_string())),
                };
                out.push(Token {
                    tok,
                    span: Span { start, end },
                });
                i = end;
            }
            '-' => {
                return Err(error_at(
                    text,
                    i,
                    "'-' may only start a number; TaskRouter names cannot hold '-'",
                ))
            }
            other => return Err(error_at(text, i, format!("unexpected character '{other}'"))),
        }
    }
    Ok(out)
}

fn next_is_digit(text: &str, i: usize) -> bool {
    text.as_bytes().get(i).is_some_and(|b| b.is_ascii_digit())
}

fn lex_string(text: &str, start: usize, quote: char) -> Result<(String, usize), ParseError> {
    let mut value = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((off, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, e)) => value.push(e),
                None => break,
            },
            c if c == quote => return Ok((value, start + 1 + off + 1)),
            c => value.push(c),
        }
    }
    Err(error_at(
        text,
        start,
        format!("string opened with {quote} is never closed"),
    ))
}

fn lex_number(text: &str, start: usize) -> Result<usize, ParseError> {
    let bytes = text.as_bytes();
    let mut i = start;
    if bytes[i] == b'-' {
        i += 1;
    }
    let mut dots = 0;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        if bytes[i] == b'.' {
            dots += 1;
        }
        i += 1;
    }
    if dots > 1 || text[start..i].ends_with('.') {
        return Err(error_at(
            text,
            start,
            format!("malformed number '{}'", &text[start..i]),
        ));
    }
    if i < bytes.len() && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') {
        return Err(error_at(text, i, "a number runs into a name"));
    }
    Ok(i)
}

/// Keywords, which an index never follows (`x IN[1]` is a list, not an index).
fn is_keyword(word: &str) -> bool {
    ["AND", "OR", "NOT", "HAS", "IN", "CONTAINS", "TRUE", "FALSE", "NULL"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

/// Reads `[n]` right after a name (TaskRouter's `worker.object.array[2]`); returns the end.
fn lex_index(text: &str, name_start: usize, open: usize) -> Result<usize, ParseError> {
    let bytes = text.as_bytes();
    let skip_space = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let digits_at = skip_space(open + 1);
    let mut i = digits_at;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let name = &text[name_start..open];
    if i == digits_at {
        return Err(error_at(
            text,
            digits_at,
            format!("an index after the name '{name}' must be a whole number, like {name}[2]"),
        ));
    }
    let close = skip_space(i);
    if bytes.get(close) != Some(&b']') {
        return Err(error_at(text, close, format!("expected ']' to close the index after '{name}'")));
    }
    Ok(close + 1)
}

fn lex_ident(text: &str, start: usize) -> Result<usize, ParseError> {
    let bytes = text.as_bytes();
    let mut i = start;
    loop {
        while i < bytes.len() && is_ident_char(bytes[i] as char) {
            i += 1;
        }
        while i < bytes.len() && bytes[i] == b'[' && !is_keyword(&text[start..i]) {
            i = lex_index(text, start, i)?;
            if bytes.get(i).is_some_and(|b| is_ident_char(*b as char)) {
                return Err(error_at(text, i, format!("expected '.', '[' or a space after the index in '{}'", &text[start..i])));
            }
        }
        if i < bytes.len() && bytes[i] == b'.' {
            let next = bytes.get(i + 1).map(|b| *b as char);
            match next {
                Some(c) if is_ident_char(c) => i += 1,
                _ => return Err(error_at(text, i, "a dotted name ends with '.'")),
            }
        } else if i < bytes.len() && bytes[i] == b'-' {
            return Err(hyphen_in_name(text, start, i));
        } else {
            return Ok(i);
        }
    }
}

// ---------------------------------------------------------------- parser

/// How deep `(` and `NOT` may nest. Real expressions stay within a handful of
/// levels; the limit keeps the recursive parser (and every walk of the tree)
/// far from the stack's end whatever text arrives.
pub const MAX_NESTING: usize = 100;

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn here(&self) -> usize {
        self.toks
            .get(self.pos)
            .map_or(self.text.len(), |t| t.span.start)
    }

    fn describe_here(&self) -> String {
        match self.toks.get(self.pos) {
            Some(t) => format!("'{}'", &self.text[t.span.start..t.span.end]),
            None => "the end of the expression".to_string(),
        }
    }

    fn fail<T>(&self, expected: &str) -> Result<T, ParseError> {
        Err(error_at(
            self.text,
            self.here(),
            format!("expected {expected}, found {}", self.describe_here()),
        ))
    }

    fn or_expr(&mut self) -> Result<Node, ParseError> {
        let first = self.and_expr()?;
        if self.peek() != Some(&Tok::Or) {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            parts.push(self.and_expr()?);
        }
        let span = Span {
            start: parts[0].span.start,
            end: parts[parts.len() - 1].span.end,
        };
        Ok(Node {
            expr: Expr::Or(parts),
            span,
        })
    }

    fn and_expr(&mut self) -> Result<Node, ParseError> {
        let first = self.not_expr()?;
        if self.peek() != Some(&Tok::And) {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            parts.push(self.not_expr()?);
        }
        let span = Span {
            start: parts[0].span.start,
            end: parts[parts.len() - 1].span.end,
        };
        Ok(Node {
            expr: Expr::And(parts),
            span,
        })
    }

    /// Enters one more level of `(` or `NOT`, refusing past [`MAX_NESTING`].
    fn deeper(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(error_at(
                self.text,
                self.here(),
                format!("'(' and NOT are nested more than {MAX_NESTING} levels deep"),
            ));
        }
        Ok(())
    }

    fn not_expr(&mut self) -> Result<Node, ParseError> {
        if self.peek() == Some(&Tok::Not) {
            let start = self.here();
            self.deeper()?;
            self.pos += 1;
            let inner = self.not_expr()?;
            self.depth -= 1;
            let span = Span {
                start,
                end: inner.span.end,
            };
            return Ok(Node {
                expr: Expr::Not(Box::new(inner)),
                span,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node, ParseError> {
        if self.peek() == Some(&Tok::LParen) {
            let start = self.here();
            self.deeper()?;
            self.pos += 1;
            let inner = self.or_expr()?;
            self.depth -= 1;
            if self.peek() != Some(&Tok::RParen) {
                return self.fail("')'");
            }
            let end = self.toks[self.pos].span.end;
            self.pos += 1;
            return Ok(Node {
                expr: Expr::Paren(Box::new(inner)),
                span: Span { start, end },
            });
        }
        let start = self.here();
        let left = self.value()?;
        let op = match self.peek() {
            Some(Tok::Op(op)) => Some(*op),
            // `NOT IN` is the only place NOT follows a value.
            Some(Tok::Not)
                if matches!(
                    self.toks.get(self.pos + 1).map(|t| &t.tok),
                    Some(Tok::Op(CmpOp::In))
                ) =>
            {
                self.pos += 1;
                Some(CmpOp::NotIn)
            }
            _ => None,
        };
        let Some(op) = op else {
            let end = self.toks[self.pos - 1].span.end;
            return Ok(Node {
                expr: Expr::Atom(left),
                span: Span { start, end },
            });
        };
        self.pos += 1;
        let right = self.value()?;
        let end = self.toks[self.pos - 1].span.end;
        Ok(Node {
            expr: Expr::Cmp(left, op, right),
            span: Span { start, end },
        })
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.peek().cloned() {
            Some(Tok::Value(v)) => {
                self.pos += 1;
                Ok(v)
            }
            Some(Tok::LBracket) => {
                self.pos += 1;
                let mut items = Vec::new();
                if self.peek() == Some(&Tok::RBracket) {
                    self.pos += 1;
                    return Ok(Value::List(items));
                }
                loop {
                    match self.peek().cloned() {
                        Some(Tok::Value(v)) if !matches!(v, Value::List(_)) => {
                            self.pos += 1;
                            items.push(v);
                        }
                        _ => return self.fail("a string, number or name inside the list"),
                    }
                    match self.peek() {
                        Some(Tok::Comma) => self.pos += 1,
                        Some(Tok::RBracket) => {
                            self.pos += 1;
                            return Ok(Value::List(items));
                        }
                        _ => return self.fail("',' or ']'"),
                    }
                }
            }
            _ => self.fail("a value (name, string, number, list or '(')"),
        }
    }
}

/// Parses a TaskRouter expression; an empty one is an error (callers decide what empty means).
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let toks = lex(text)?;
    if toks.is_empty() {
        return Err(error_at(text, 0, "the expression is empty"));
    }
    let mut p = Parser { text, toks, pos: 0, depth: 0 };
    let node = p.or_expr()?;
    if p.pos != p.toks.len() {
        return p.fail("AND, OR or the end of the expression");
    }
    Ok(node)
}

// ---------------------------------------------------------------- the edit

/// The top-level AND parts of an expression, looking through parentheses,
/// that hold whatever precedence TaskRouter gives NOT. It documents none, so
/// in `a AND NOT b AND c` the NOT may reach to the end (`NOT (b AND c)`):
/// the parts after an unparenthesised NOT are left out.
pub fn conjuncts(node: &Node) -> Vec<&Node> {
    match &node.expr {
        Expr::And(parts) => {
            let mut out = Vec::new();
            for p in parts {
                if matches!(p.expr, Expr::Not(_)) {
                    break;
                }
                out.extend(conjuncts(p));
            }
            out
        }
        Expr::Paren(inner) => conjuncts(inner),
        _ => vec![node],
    }
}

/// Whether a node, on its own, guarantees the worker is on no voice task.
pub fn is_capacity_condition(node: &Node) -> bool {
    let hundred = |v: &Value| matches!(v, Value::Num(n) if n.parse::<f64>() == Ok(100.0));
    let attr = |v: &Value| matches!(v, Value::Ident(n) if n == CAPACITY_ATTRIBUTE);
    match &node.expr {
        Expr::Paren(inner) => is_capacity_condition(inner),
        // Percentages never exceed 100, so `>= 100` says the same as `== 100`.
        Expr::Cmp(l, CmpOp::Eq | CmpOp::Ge, r) if attr(l) && hundred(r) => true,
        Expr::Cmp(l, CmpOp::Eq | CmpOp::Le, r) if hundred(l) && attr(r) => true,
        _ => false,
    }
}

/// Whether the capacity condition is one of the top-level AND parts, so the whole expression implies it.
pub fn has_capacity_condition(node: &Node) -> bool {
    conjuncts(node).into_iter().any(is_capacity_condition)
}

/// Whether appending ` AND x` to this node's text keeps its meaning under any
/// precedence TaskRouter might give NOT versus AND and OR.
pub fn safe_to_extend(node: &Node) -> bool {
    let simple = |n: &Node| matches!(n.expr, Expr::Cmp(..) | Expr::Atom(_) | Expr::Paren(_));
    match &node.expr {
        Expr::And(parts) => parts.iter().all(simple),
        _ => simple(node),
    }
}

/// The result of making sure an expression holds the capacity condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// The condition is already a top-level AND part; nothing to write.
    Unchanged,
    /// The expression to write instead.
    Changed(String),
}

/// Returns the expression with the capacity condition ANDed in, keeping the
/// original text intact; `None` or blank means "no expression yet".
pub fn ensure_capacity_condition(original: Option<&str>) -> Result<Edit, ParseError> {
    let raw = original.unwrap_or("");
    let text = raw.trim();
    if text.is_empty() {
        return Ok(Edit::Changed(CAPACITY_CONDITION.to_string()));
    }
    // Parse the untrimmed text so error columns match what the admin sees.
    let node = parse(raw)?;
    if has_capacity_condition(&node) {
        return Ok(Edit::Unchanged);
    }
    let new = if safe_to_extend(&node) {
        format!("{text} AND {CAPACITY_CONDITION}")
    } else {
        format!("({text}) AND {CAPACITY_CONDITION}")
    };
    // A self-check, so a bug here refuses instead of writing a wrong routing rule.
    let check = parse(&new).map_err(|e| ParseError {
        column: e.column,
        message: format!("internal error building '{new}': {}", e.message),
    })?;
    if !has_capacity_condition(&check) {
        return Err(ParseError {
            column: 1,
            message: format!("internal error: '{new}' does not hold the condition"),
        });
    }
    Ok(Edit::Changed(new))
}

// ---------------------------------------------------------------- printing

/// Quotes a string the way the lexer reads it back.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Ident(s) | Value::Num(s) => f.write_str(s),
            Value::Str(s) => f.write_str(&quote(s)),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Null => f.write_str("null"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, parts: &[Node], sep: &str| -> fmt::Result {
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                write!(f, "{}", p.expr)?;
            }
            Ok(())
        };
        match self {
            Expr::And(parts) => join(f, parts, " AND "),
            Expr::Or(parts) => join(f, parts, " OR "),
            Expr::Not(inner) => write!(f, "NOT {}", inner.expr),
            Expr::Cmp(l, op, r) => write!(f, "{l} {} {r}", op.as_str()),
            Expr::Atom(v) => write!(f, "{v}"),
            Expr::Paren(inner) => write!(f, "({})", inner.expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(s: &str) -> String {
        match ensure_capacity_condition(Some(s)).unwrap() {
            Edit::Changed(n) => n,
            Edit::Unchanged => s.to_string(),
        }
    }

    #[test]
    fn appends_to_a_single_comparison() {
        assert_eq!(
            edit("worker.skill == 'sales'"),
            format!("worker.skill == 'sales' AND {CAPACITY_CONDITION}")
        );
    }

    #[test]
    fn wraps_an_or() {
        assert_eq!(
            edit("a == 1 OR b == 2"),
            format!("(a == 1 OR b == 2) AND {CAPACITY_CONDITION}")
        );
    }

    #[test]
    fn wraps_a_leading_not() {
        assert_eq!(
            edit("NOT a HAS 'x'"),
            format!("(NOT a HAS 'x') AND {CAPACITY_CONDITION}")
        );
    }

    #[test]
    fn keeps_a_plain_and_chain_flat() {
        assert_eq!(
            edit("a == 1 AND (b == 2 OR c == 3)"),
            format!("a == 1 AND (b == 2 OR c == 3) AND {CAPACITY_CONDITION}")
        );
    }

    #[test]
    fn leaves_an_expression_that_already_has_it() {
        let s = format!("skills HAS 'x' AND {CAPACITY_CONDITION}");
        assert_eq!(
            ensure_capacity_condition(Some(&s)).unwrap(),
            Edit::Unchanged
        );
        let s = "(worker.channel.voice.available_capacity_percentage=100) and x IN ['a']";
        assert_eq!(ensure_capacity_condition(Some(s)).unwrap(), Edit::Unchanged);
    }

    #[test]
    fn not_in_and_quotes_inside_strings_survive() {
        let s = r#"worker.name NOT IN ["a AND b", 'it\'s'] OR task.x CONTAINS ")""#;
        assert_eq!(edit(s), format!("({s}) AND {CAPACITY_CONDITION}"));
    }

    #[test]
    fn reports_the_column() {
        let err = parse("a == 1 AND (b == 2").unwrap_err();
        assert_eq!(err.column, 19);
        assert!(err.message.contains("expected ')'"), "{err}");
        let err = parse("a == 'x").unwrap_err();
        assert_eq!(err.column, 6);
    }

    #[test]
    fn hyphens_in_names_are_refused_but_not_in_strings() {
        let err = parse("worker.skill-level >= 2").unwrap_err();
        assert_eq!(err.column, 13);
        assert!(err.message.contains("'worker.skill-level'"), "{err}");
        assert!(parse("worker.a-b.c == 1")
            .unwrap_err()
            .message
            .contains("'worker.a-b.c'"));
        assert!(parse("x == -abc").unwrap_err().message.contains("'-'"));
        assert!(parse("worker.level == -1 AND worker.team == 'front-desk'").is_ok());
        assert!(parse("worker.skills HAS \"first-line\"").is_ok());
    }
}
