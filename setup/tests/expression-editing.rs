//! The capacity edit on TaskRouter expressions: examples of every operator,
//! and properties over generated expressions (round trip, idempotence,
//! meaning preserved, original text kept).

use multi_call_setup::expr::{
    ensure_capacity_condition, has_capacity_condition, parse, Edit, Expr, Node, CAPACITY_CONDITION,
};
use proptest::prelude::*;

fn edited(s: &str) -> String {
    match ensure_capacity_condition(Some(s)).unwrap_or_else(|e| panic!("{s}: {e}")) {
        Edit::Changed(n) => n,
        Edit::Unchanged => s.to_string(),
    }
}

fn and_cap(s: &str) -> String {
    format!("{s} AND {CAPACITY_CONDITION}")
}

fn wrapped(s: &str) -> String {
    format!("({s}) AND {CAPACITY_CONDITION}")
}

#[test]
fn examples_for_each_operator() {
    let flat = [
        "worker.skill == 'sales'",
        "worker.level != 2",
        "worker.level > 2.5",
        "worker.level >= -1",
        "worker.level < 10 AND worker.level <= 11",
        "routing.skills HAS \"billing\"",
        "worker.language IN ['en', 'fr']",
        "worker.language NOT IN [\"de\"]",
        "worker.email CONTAINS '@example.com'",
        "worker.name = 'x'",
        "task.targetTeam == worker.team AND (worker.a == 1 OR worker.b == 2)",
        "1==1",
        "worker.active == true",
        "(NOT worker.busy == true)",
    ];
    for s in flat {
        assert_eq!(edited(s), and_cap(s), "{s}");
    }
    let needs_parens = [
        "worker.a == 1 OR worker.b == 2",
        "NOT worker.trainee == true",
        "worker.a == 1 AND NOT worker.b == 2",
        "worker.a == 1 AND worker.b == 2 OR worker.c == 3",
    ];
    for s in needs_parens {
        assert_eq!(edited(s), wrapped(s), "{s}");
    }
}

#[test]
fn keywords_are_case_insensitive_and_text_is_kept_verbatim() {
    let s = "worker.a == 1   or  worker.b has 'x'";
    assert_eq!(edited(s), wrapped(s));
    assert_eq!(edited("  worker.a == 1  "), and_cap("worker.a == 1"));
}

#[test]
fn quoting_and_escapes_do_not_confuse_the_parser() {
    for s in [
        r#"worker.name == "O'Brien""#,
        r#"worker.name == 'say "hi"'"#,
        r#"worker.note == "a \" AND b""#,
        r#"worker.note == 'it\'s (not) OR anything'"#,
        r#"worker.tags HAS "worker.channel.voice.available_capacity_percentage == 100""#,
    ] {
        assert_eq!(edited(s), and_cap(s), "{s}");
    }
}

#[test]
fn never_adds_the_condition_twice() {
    for s in [
        CAPACITY_CONDITION.to_string(),
        format!("worker.a == 1 AND {CAPACITY_CONDITION}"),
        format!("({CAPACITY_CONDITION}) and worker.a == 1"),
        format!("((worker.a == 1 AND ({CAPACITY_CONDITION})))"),
        "worker.channel.voice.available_capacity_percentage=100".to_string(),
        "100 == worker.channel.voice.available_capacity_percentage".to_string(),
        "worker.channel.voice.available_capacity_percentage >= 100".to_string(),
    ] {
        assert_eq!(
            ensure_capacity_condition(Some(&s)).unwrap(),
            Edit::Unchanged,
            "{s}"
        );
    }
}

#[test]
fn a_condition_that_is_not_a_top_level_conjunct_does_not_count() {
    for s in [
        format!("worker.a == 1 OR {CAPACITY_CONDITION}"),
        format!("NOT {CAPACITY_CONDITION}"),
        "worker.channel.voice.available_capacity_percentage == 50".to_string(),
        "worker.channel.chat.available_capacity_percentage == 100".to_string(),
    ] {
        assert_eq!(edited(&s), wrapped_or_flat(&s), "{s}");
        assert!(has_capacity_condition(&parse(&edited(&s)).unwrap()));
    }
}

fn wrapped_or_flat(s: &str) -> String {
    if s.contains(" OR ") || s.starts_with("NOT") {
        wrapped(s)
    } else {
        and_cap(s)
    }
}

#[test]
fn missing_or_blank_expressions_become_the_condition() {
    assert_eq!(
        ensure_capacity_condition(None).unwrap(),
        Edit::Changed(CAPACITY_CONDITION.into())
    );
    assert_eq!(
        ensure_capacity_condition(Some("  ")).unwrap(),
        Edit::Changed(CAPACITY_CONDITION.into())
    );
}

#[test]
fn refuses_what_it_cannot_read_and_says_where() {
    let cases = [
        ("worker.a == ", 13, "expected a value"),
        ("worker.a == 1 AND", 18, "expected a value"),
        ("(worker.a == 1", 15, "expected ')'"),
        ("worker.a == 1)", 14, "expected AND, OR or the end"),
        ("worker.a == 'x", 13, "never closed"),
        (
            "worker.a == 1 && worker.b == 2",
            15,
            "unexpected character '&'",
        ),
        ("worker.a ! 1", 10, "'!' must be followed by '='"),
        ("worker.a IN [1, ", 17, "inside the list"),
        ("worker. == 1", 7, "ends with '.'"),
        (
            "worker.a == 1 worker.b == 2",
            15,
            "expected AND, OR or the end",
        ),
    ];
    for (s, column, message) in cases {
        let err = ensure_capacity_condition(Some(s)).unwrap_err();
        assert_eq!(err.column, column, "{s}: {err}");
        assert!(err.message.contains(message), "{s}: {err}");
    }
}

// ---------------------------------------------------------------- properties

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "worker.skill",
            "routing.skills",
            "task.team",
            "worker.level",
            "worker.in_training",
            "worker.object.array[2]",
            "skills"
        ])
        .prop_map(str::to_string),
        "[a-zA-Z0-9 ()'&|]{0,8}".prop_map(|s| format!("\"{}\"", s.replace('"', ""))),
        "[a-zA-Z0-9 ()\"]{0,8}".prop_map(|s| format!("'{}'", s.replace('\'', ""))),
        (-1000i64..1000).prop_map(|n| n.to_string()),
        prop::bool::ANY.prop_map(|b| b.to_string()),
        prop::collection::vec("[a-z]{1,5}", 0..3).prop_map(|v| format!(
            "[{}]",
            v.iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ]
}

fn comparison() -> impl Strategy<Value = String> {
    let op = prop::sample::select(vec![
        "==", "=", "!=", ">", ">=", "<", "<=", "HAS", "IN", "NOT IN", "CONTAINS",
    ]);
    prop_oneof![
        4 => (value(), op, value()).prop_map(|(l, o, r)| format!("{l} {o} {r}")),
        1 => Just(CAPACITY_CONDITION.to_string()),
    ]
}

/// Expressions as text, parenthesised so each prints back to the tree it came from.
fn expression() -> impl Strategy<Value = String> {
    comparison().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v
                .into_iter()
                .map(|s| format!("({s})"))
                .collect::<Vec<_>>()
                .join(" AND ")),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v
                .into_iter()
                .map(|s| format!("({s})"))
                .collect::<Vec<_>>()
                .join(" OR ")),
            inner.clone().prop_map(|s| format!("NOT ({s})")),
            inner.clone().prop_map(|s| format!("({s})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a} AND {b}")),
        ]
    })
}

/// Evaluates with each comparison's truth drawn from `seed`, the same for equal text.
fn eval(node: &Node, seed: u64) -> bool {
    match &node.expr {
        Expr::And(parts) => parts.iter().all(|p| eval(p, seed)),
        Expr::Or(parts) => parts.iter().any(|p| eval(p, seed)),
        Expr::Not(inner) => !eval(inner, seed),
        Expr::Paren(inner) => eval(inner, seed),
        leaf => {
            let text = leaf.to_string();
            let normal = if text == CAPACITY_CONDITION {
                CAPACITY_CONDITION.to_string()
            } else {
                text
            };
            let mut h: u64 = seed ^ 0xcbf29ce484222325;
            for b in normal.bytes() {
                h = (h ^ b as u64).wrapping_mul(0x100000001b3);
            }
            h & 1 == 1
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn printing_a_parse_and_parsing_it_again_gives_the_same_tree(s in expression()) {
        let tree = parse(&s).unwrap();
        let printed = tree.expr.to_string();
        let again = parse(&printed).unwrap();
        prop_assert_eq!(again.expr.to_string(), printed);
    }

    #[test]
    fn the_edit_is_idempotent_and_keeps_the_original_text(s in expression()) {
        match ensure_capacity_condition(Some(&s)).unwrap() {
            Edit::Unchanged => prop_assert!(has_capacity_condition(&parse(&s).unwrap())),
            Edit::Changed(new) => {
                prop_assert!(new == and_cap(&s) || new == wrapped(&s), "{}", new);
                prop_assert_eq!(ensure_capacity_condition(Some(&new)).unwrap(), Edit::Unchanged);
            }
        }
    }

    #[test]
    fn the_edit_means_original_and_condition(s in expression(), seed in any::<u64>()) {
        let new = edited(&s);
        let cap = parse(CAPACITY_CONDITION).unwrap();
        prop_assert_eq!(eval(&parse(&new).unwrap(), seed), eval(&parse(&s).unwrap(), seed) && eval(&cap, seed));
    }

    #[test]
    fn any_text_is_parsed_or_refused_never_mangled(s in "[a-z.=!<>()'\" \\[\\],0-9ANDORNTIHSC]{0,40}") {
        match ensure_capacity_condition(Some(&s)) {
            Ok(Edit::Changed(new)) => {
                prop_assert!(new.contains(s.trim()));
                prop_assert!(has_capacity_condition(&parse(&new).unwrap()));
            }
            Ok(Edit::Unchanged) => prop_assert!(has_capacity_condition(&parse(&s).unwrap())),
            Err(e) => prop_assert!(e.column >= 1 && e.column <= s.chars().count() + 1, "{}", e),
        }
    }
}

// ---------------------------------------------------------------- issue 10's defects

#[test]
fn array_indexes_in_names_are_read() {
    for s in [
        r#"worker.object.array[2] == "c""#,
        "worker.a[0].b[12] >= 3",
        "worker.langs[ 1 ] == 'fr' AND worker.x IN['a']",
        "task.list[0] == worker.team",
    ] {
        assert_eq!(edited(s), and_cap(s), "{s}");
    }
    assert_eq!(edited("worker.a[1] == 1 OR worker.b == 2"), wrapped("worker.a[1] == 1 OR worker.b == 2"));
    let printed = parse("worker.a[2].b == 1").unwrap().expr.to_string();
    assert_eq!(printed, "worker.a[2].b == 1");
}

#[test]
fn a_bad_index_is_refused_precisely() {
    for (s, column, message) in [
        ("worker.a[x] == 1", 10, "whole number"),
        ("worker.a[-1] == 1", 10, "whole number"),
        ("worker.a[2 == 1", 12, "expected ']'"),
        ("worker.a[2", 11, "expected ']'"),
        ("worker.a[2]x == 1", 12, "after the index"),
    ] {
        let err = parse(s).unwrap_err();
        assert!(err.message.contains(message), "{s}: {err}");
        assert_eq!(err.column, column, "{s}: {err}");
    }
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    for s in [
        format!("{}a == 1{}", "(".repeat(20_000), ")".repeat(20_000)),
        format!("{}a == 1", "NOT ".repeat(20_000)),
        format!("{}a == 1", "NOT (".repeat(20_000)),
    ] {
        let err = ensure_capacity_condition(Some(&s)).unwrap_err();
        assert!(err.message.contains("nested more than"), "{err}");
    }
    let fine = format!("{}a == 1{}", "(".repeat(50), ")".repeat(50));
    assert!(ensure_capacity_condition(Some(&fine)).is_ok());
}

#[test]
fn a_leading_not_makes_the_condition_after_it_count_for_nothing() {
    // TaskRouter documents no NOT precedence: `NOT a AND cond` may mean NOT (a AND cond).
    for s in [
        format!("NOT worker.a == 1 AND {CAPACITY_CONDITION}"),
        format!("worker.b == 2 AND NOT worker.a == 1 AND {CAPACITY_CONDITION}"),
        format!("(NOT worker.a == 1 AND {CAPACITY_CONDITION})"),
    ] {
        assert!(!has_capacity_condition(&parse(&s).unwrap()), "{s}");
        let expected = if s.starts_with('(') { and_cap(&s) } else { wrapped(&s) };
        assert_eq!(edited(&s), expected, "{s}");
        assert_eq!(ensure_capacity_condition(Some(&edited(&s))).unwrap(), Edit::Unchanged);
    }
    for s in [
        format!("{CAPACITY_CONDITION} AND NOT worker.a == 1"),
        format!("(NOT worker.a == 1) AND {CAPACITY_CONDITION}"),
    ] {
        assert_eq!(ensure_capacity_condition(Some(&s)).unwrap(), Edit::Unchanged, "{s}");
    }
}

// ---------------------------------------------------------------- transfer branches

fn transfer_expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        3 => comparison(),
        1 => prop::sample::select(vec!["task.targetSid == worker.sid", "task.named HAS worker.sid", "worker.contact_uri == 'client:a'"]).prop_map(str::to_string),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.into_iter().map(|s| format!("({s})")).collect::<Vec<_>>().join(" OR ")),
            prop::collection::vec(inner.clone(), 2..3).prop_map(|v| v.join(" AND ")),
            inner.prop_map(|s| format!("({s})")),
        ]
    })
}

/// Evaluates with leaf truths from `seed`, the capacity condition set to `cap`,
/// and every worker-naming comparison forced to `named` when given.
fn eval_with(node: &Node, seed: u64, cap: bool, named: Option<bool>) -> bool {
    match &node.expr {
        Expr::And(parts) => parts.iter().all(|p| eval_with(p, seed, cap, named)),
        Expr::Or(parts) => parts.iter().any(|p| eval_with(p, seed, cap, named)),
        Expr::Not(inner) => !eval_with(inner, seed, cap, named),
        Expr::Paren(inner) => eval_with(inner, seed, cap, named),
        leaf => {
            let text = leaf.to_string();
            if text == CAPACITY_CONDITION {
                return cap;
            }
            if let (Some(v), true) = (named, text.contains("worker.sid") || text.contains("worker.contact_uri")) {
                return v;
            }
            eval(node, seed)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn guarding_the_branches_beside_a_transfer_never_widens_and_never_reaches_a_busy_agent_but_by_name(s in transfer_expression(), seed in any::<u64>()) {
        use multi_call_setup::transfer::{classify, Transfer};
        let orig = parse(&s).unwrap();
        if let Transfer::Split { new: Some(new), .. } = classify(&s, &orig) {
            let new = parse(&new).unwrap();
            for named in [None, Some(false), Some(true)] {
                prop_assert_eq!(eval_with(&new, seed, true, named), eval_with(&orig, seed, true, named), "with the condition true it is the original");
                prop_assert!(!eval_with(&new, seed, false, named) || eval_with(&orig, seed, false, named), "never widens");
            }
            prop_assert!(!eval_with(&new, seed, false, Some(false)), "a busy agent is reached only by name");
        }
    }
}
