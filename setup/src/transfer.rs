//! Targets that offer a task to one named worker, as a transfer to an agent
//! does. ANDing the capacity condition onto such a target would stop exactly
//! the transfer multi-call exists for (to an agent already on a call), so the
//! worker-naming branches are kept as they are and only the other branches
//! get the condition, when the expression's shape makes that provably the
//! same as "transfer branches OR (other branches AND condition)". Otherwise
//! the target is refused with the reason, never guessed at.

use crate::expr::{self, CmpOp, Expr, Node, Value, CAPACITY_CONDITION};

/// What a target expression does with worker identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transfer {
    /// It names no worker: edit it as any other.
    NoWorker,
    /// Every branch names one worker (a pure transfer target): leave it alone.
    Whole,
    /// Some branches name one worker; the others are guarded.
    Split {
        /// The expression to write, or `None` when the others already hold the condition.
        new: Option<String>,
        /// The worker-naming branches left as they are, as written.
        kept: Vec<String>,
    },
    /// It names one worker where its branches cannot be told apart safely; why.
    Unsafe(String),
}

fn is_identity(v: &Value) -> bool {
    matches!(v, Value::Ident(n) if n.eq_ignore_ascii_case("worker.sid") || n.eq_ignore_ascii_case("worker.contact_uri"))
}

/// A task field or a literal: what a transfer compares the worker's identity with.
fn is_task_or_literal(v: &Value) -> bool {
    match v {
        Value::Ident(n) => n.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("task.")),
        Value::Str(_) | Value::Num(_) | Value::List(_) => true,
        Value::Bool(_) | Value::Null => false,
    }
}

/// Whether a comparison picks workers by identity (`task.targetSid == worker.sid`,
/// `task.named HAS worker.sid`, `worker.sid IN [...]`).
fn names_worker(node: &Node) -> bool {
    match &node.expr {
        Expr::Cmp(l, CmpOp::Eq, r) => {
            (is_identity(l) && is_task_or_literal(r)) || (is_identity(r) && is_task_or_literal(l))
        }
        Expr::Cmp(l, CmpOp::Has | CmpOp::Contains, r) => is_identity(r) && is_task_or_literal(l),
        Expr::Cmp(l, CmpOp::In, r) => is_identity(l) && is_task_or_literal(r),
        _ => false,
    }
}

/// Whether any comparison in the expression names a worker.
fn mentions_worker(node: &Node) -> bool {
    match &node.expr {
        Expr::And(parts) | Expr::Or(parts) => parts.iter().any(mentions_worker),
        Expr::Not(inner) | Expr::Paren(inner) => mentions_worker(inner),
        _ => names_worker(node),
    }
}

/// Whether the branch only ever matches the named worker: a worker-naming
/// comparison is one of its top-level AND parts.
fn is_transfer_branch(node: &Node) -> bool {
    expr::conjuncts(node).into_iter().any(names_worker)
}

struct Split<'a> {
    text: &'a str,
    kept: Vec<String>,
    /// Byte range of a branch and the text that replaces it.
    splices: Vec<(usize, usize, String)>,
}

impl Split<'_> {
    fn branch(&mut self, node: &Node) -> Result<(), String> {
        let text = &self.text[node.span.start..node.span.end];
        if !mentions_worker(node) {
            if !expr::has_capacity_condition(node) {
                let inner = if expr::safe_to_extend(node) {
                    text.to_string()
                } else {
                    format!("({text})")
                };
                self.splices.push((
                    node.span.start,
                    node.span.end,
                    format!("({inner} AND {CAPACITY_CONDITION})"),
                ));
            }
            return Ok(());
        }
        if is_transfer_branch(node) {
            self.kept.push(text.to_string());
            return Ok(());
        }
        match &node.expr {
            Expr::Paren(inner) => self.branch(inner),
            Expr::Or(parts) => {
                if parts.iter().any(|p| matches!(p.expr, Expr::And(_) | Expr::Not(_))) {
                    return Err("it mixes AND (or NOT) and OR without parentheses, and TaskRouter documents no precedence between them".into());
                }
                parts.iter().try_for_each(|p| self.branch(p))
            }
            Expr::And(parts) => {
                if parts.iter().any(|p| matches!(p.expr, Expr::Not(_))) {
                    return Err("a NOT stands in an AND chain, and TaskRouter documents no precedence for NOT".into());
                }
                let naming: Vec<&Node> = parts.iter().filter(|p| mentions_worker(p)).collect();
                match naming.as_slice() {
                    [one] => self.branch(one),
                    _ => Err("more than one AND part names a worker, so guarding one part would also guard a transfer".into()),
                }
            }
            Expr::Not(_) => Err("it names a worker under NOT (every worker but that one), which is no transfer branch".into()),
            Expr::Cmp(..) | Expr::Atom(_) => Err("a comparison names a worker in a way the tool does not know".into()),
        }
    }
}

/// Classifies a parsed target expression (`text` is what `node` was parsed from).
pub fn classify(text: &str, node: &Node) -> Transfer {
    if !mentions_worker(node) {
        return Transfer::NoWorker;
    }
    if is_transfer_branch(node) {
        return Transfer::Whole;
    }
    let mut split = Split {
        text,
        kept: Vec::new(),
        splices: Vec::new(),
    };
    if let Err(why) = split.branch(node) {
        return Transfer::Unsafe(why);
    }
    if split.splices.is_empty() {
        return Transfer::Split {
            new: None,
            kept: split.kept,
        };
    }
    let mut new =
        String::with_capacity(text.len() + split.splices.len() * (CAPACITY_CONDITION.len() + 8));
    let mut at = 0;
    for (start, end, replacement) in &split.splices {
        new.push_str(&text[at..*start]);
        new.push_str(replacement);
        at = *end;
    }
    new.push_str(&text[at..]);
    let new = new.trim().to_string();
    // A self-check, as for the plain edit: the result must read back as fully guarded.
    match expr::parse(&new).map(|n| classify(&new, &n)) {
        Ok(Transfer::Split { new: None, .. }) => Transfer::Split {
            new: Some(new),
            kept: split.kept,
        },
        _ => Transfer::Unsafe(format!(
            "internal error: '{new}' does not read back as guarded"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_text(s: &str) -> Transfer {
        classify(s, &expr::parse(s).unwrap())
    }

    #[test]
    fn a_branch_with_the_condition_already_is_left_alone() {
        let s = format!("task.targetSid == worker.sid OR (a == 1 AND {CAPACITY_CONDITION})");
        assert_eq!(
            classify_text(&s),
            Transfer::Split {
                new: None,
                kept: vec!["task.targetSid == worker.sid".into()]
            }
        );
    }

    #[test]
    fn an_or_branch_that_is_not_parenthesised_simple_is_wrapped() {
        let s = "task.targetSid == worker.sid OR a == 1 OR (b == 1 OR c == 2)";
        let Transfer::Split { new: Some(new), .. } = classify_text(s) else {
            panic!()
        };
        assert_eq!(new, format!("task.targetSid == worker.sid OR (a == 1 AND {CAPACITY_CONDITION}) OR ((b == 1 OR c == 2) AND {CAPACITY_CONDITION})"));
    }

    #[test]
    fn an_and_around_an_or_guards_inside_the_or() {
        let s = "task.type == 'x' AND (task.targetSid == worker.sid OR a == 1)";
        let Transfer::Split { new: Some(new), .. } = classify_text(s) else {
            panic!()
        };
        assert_eq!(new, format!("task.type == 'x' AND (task.targetSid == worker.sid OR (a == 1 AND {CAPACITY_CONDITION}))"));
    }
}
