//! A unified line diff, for showing exactly what `apply` would write.

use std::time::Duration;

use similar::{Algorithm, TextDiff};

/// Lines of context around each change.
const CONTEXT: usize = 2;

/// How long the diff may search for the smallest edit before settling for a
/// larger (still correct) one; a workflow is never worth more.
const DEADLINE: Duration = Duration::from_secs(2);

/// Renders a unified diff of two texts (`-` old, `+` new), or an empty string when they are equal.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    // Myers' algorithm (similar's default) takes time O((N+M)·D) and linear
    // space, where the old longest-common-subsequence table took N·M of both.
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(DEADLINE)
        .diff_lines(old, new);
    if diff.ratio() == 1.0 {
        return String::new();
    }
    diff.unified_diff()
        .context_radius(CONTEXT)
        .missing_newline_hint(false)
        .header(old_label, new_label)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn shows_only_the_changed_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nc\nD\ne\nf\ng\n";
        assert_eq!(
            unified(old, new, "old", "new"),
            "--- old\n+++ new\n@@ -2,5 +2,5 @@\n b\n c\n-d\n+D\n e\n f\n"
        );
    }

    #[test]
    fn distant_changes_get_separate_hunks_and_every_changed_line_shows() {
        let old: String = (0..30).map(|i| format!("l{i}\n")).collect();
        let new = old
            .replace("l3\n", "L3\n")
            .replace("l20\n", "l20\nadded\n")
            .replace("l29\n", "");
        let d = unified(&old, &new, "a", "b");
        assert_eq!(d.lines().filter(|l| l.starts_with("@@")).count(), 3, "{d}");
        for line in ["-l3", "+L3", "+added", "-l29"] {
            assert!(d.lines().any(|l| l == line), "{line} missing in {d}");
        }
        assert!(!d.contains(" l10\n"), "far context is left out: {d}");
    }

    #[test]
    fn a_large_text_with_spread_changes_diffs_in_linear_space() {
        // 30,000 lines with an edit every 20: a quadratic table would need 3.6 GB
        // and most of a minute; a linear diff takes milliseconds.
        let old: String = (0..30_000).map(|i| format!("line {i}\n")).collect();
        let new: String = (0..30_000)
            .map(|i| if i % 20 == 0 { format!("line {i} AND cond\n") } else { format!("line {i}\n") })
            .collect();
        let started = std::time::Instant::now();
        let d = unified(&old, &new, "a", "b");
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "took {:?}", started.elapsed());
        assert_eq!(d.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).count(), 1500);
        assert_eq!(d.lines().filter(|l| l.starts_with('-') && !l.starts_with("---")).count(), 1500);
    }

    #[test]
    fn equal_texts_give_nothing() {
        assert_eq!(unified("x\n", "x\n", "a", "b"), "");
    }
}
