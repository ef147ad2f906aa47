//! A unified line diff, for showing exactly what `apply` would write.

/// Lines of context around each change.
const CONTEXT: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    Same(&'a str),
    Gone(&'a str),
    Added(&'a str),
}

fn lcs_lines<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Line<'a>> {
    // Workflow configurations are a few hundred lines at most, so the plain
    // quadratic table is fine and keeps this obviously correct.
    let (n, m) = (a.len(), b.len());
    let mut table = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            out.push(Line::Same(a[i]));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            out.push(Line::Gone(a[i]));
            i += 1;
        } else {
            out.push(Line::Added(b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| Line::Gone(l)));
    out.extend(b[j..].iter().map(|l| Line::Added(l)));
    out
}

/// Renders a unified diff of two texts (`-` old, `+` new), or an empty string when they are equal.
pub fn unified(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let lines = lcs_lines(&a, &b);
    let changed: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !matches!(l, Line::Same(_)))
        .map(|(i, _)| i)
        .collect();
    if changed.is_empty() {
        return String::new();
    }
    let mut out = format!("--- {old_label}\n+++ {new_label}\n");
    let mut shown_until = 0usize;
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT).max(shown_until);
        let mut end = changed[k];
        while k + 1 < changed.len() && changed[k + 1] <= end + 2 * CONTEXT + 1 {
            k += 1;
            end = changed[k];
        }
        let end = (end + CONTEXT + 1).min(lines.len());
        if start > shown_until || shown_until == 0 && start > 0 {
            out.push_str("@@\n");
        }
        for line in &lines[start..end] {
            match line {
                Line::Same(s) => out.push_str(&format!(" {s}\n")),
                Line::Gone(s) => out.push_str(&format!("-{s}\n")),
                Line::Added(s) => out.push_str(&format!("+{s}\n")),
            }
        }
        shown_until = end;
        k += 1;
    }
    out
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
            "--- old\n+++ new\n@@\n b\n c\n-d\n+D\n e\n f\n"
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
        assert_eq!(d.matches("@@").count(), 3, "{d}");
        for line in ["-l3", "+L3", "+added", "-l29"] {
            assert!(d.lines().any(|l| l == line), "{line} missing in {d}");
        }
        assert!(!d.contains(" l10\n"), "far context is left out: {d}");
    }

    #[test]
    fn equal_texts_give_nothing() {
        assert_eq!(unified("x\n", "x\n", "a", "b"), "");
    }
}
