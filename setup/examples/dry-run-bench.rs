//! Benchmark: `apply` (a dry run) on one workflow with N filters (default
//! 5,000), through the whole tool against the loopback fake. Prints the wall
//! time of the run and the process's peak memory (VmHWM); nothing is asserted.
//!
//! `cargo run --release -p multi-call-setup --example dry-run-bench [-- FILTERS]`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::{run_tool, sid, standard_data, Fake};
use serde_json::json;

/// A workflow with `n` filters of one target each, as Flex builds them per skill.
fn workflow(n: usize) -> String {
    let filters: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "filter_friendly_name": format!("Skill {i}"),
                "expression": format!("type == \"skill{i}\""),
                "targets": [{ "queue": sid("WQ", 1), "expression": format!("routing.skills HAS 'skill{i}'"), "timeout": 60 }]
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({ "task_routing": { "filters": filters, "default_filter": { "queue": sid("WQ", 2) } } }))
        .expect("JSON")
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l["VmHWM:".len()..].trim().to_string()))
        .unwrap_or_else(|| "unknown (no /proc/self/status)".into())
}

fn main() {
    let n: usize = std::env::args().nth(1).map_or(5_000, |a| a.parse().expect("FILTERS must be a number"));
    let mut data = standard_data();
    let config = workflow(n);
    let lines = config.lines().count();
    data.workflows[0].2 = config;
    data.page_size = 50;
    let fake = Fake::start(data);
    let before = peak_memory();
    let started = Instant::now();
    let run = run_tool(&fake.env(), &["apply"]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.err);
    let plus = run.out.lines().filter(|l| l.starts_with("  +") && !l.starts_with("  +++")).count();
    println!("dry run, {n} filters ({lines} lines of configuration): {:.2} s, peak memory {} (before the run {before}); diff lines added: {plus}", took.as_secs_f64(), peak_memory());
}
