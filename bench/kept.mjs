// What a run keeps from the BENCHMARKS.md it replaces. Raw results live in
// target/bench/all.json, which a fresh checkout does not have: a run of some
// benchmarks there would otherwise drop every other section. Each benchmark
// this run has no results for keeps its section's text, its summary rows and
// the run that measured it, as the file has them.

/**
 * The report's parts in summary order: a benchmark's name (as `--only` and
 * `measuredBy` name it), whether a run has its results (`has`), and its
 * summary rows; and its section's heading, with `sectionHas` where the
 * section is shared (decision time shows both native and boundary figures).
 */
export const PARTS = [
  { name: 'payload', has: (r) => r.payload, heading: '## 1. ', row: /^1\. / },
  { name: 'startup', has: (r) => r.startup, heading: '## 2. ', row: /^2\. / },
  { name: 'startup-real', has: (r) => r.startupReal, heading: '## 2b. ', row: /^2b\. / },
  { name: 'decisions', has: (r) => r.native, heading: '## 3. ', sectionHas: (r) => r.native || r.boundary, row: /^3\. .*, native$/ },
  { name: 'boundary', has: (r) => r.boundary, row: /^3\. .*, wasm boundary/ },
  { name: 'listeners', has: (r) => r.listeners, heading: '## 6. ', row: /^6\. / },
  { name: 'switching', has: (r) => r.switching, heading: '## 7. ', row: /^7\. / },
  { name: 'second-call', has: (r) => r.secondCall, heading: '## 9. ', row: /^9\. / },
  { name: 'memory', has: (r) => r.memory, heading: '## 8. ', row: /^8\. / },
  { name: 'calls', has: (r) => r.calls, heading: '## 4. ', row: /^[45]\. / },
];

/** Whether this run renders the part's section itself. */
const sectionShown = (part, r) => !!(part.sectionHas || part.has)(r);

/** The part a summary row belongs to (its index in PARTS), by its name cell. */
export const partOfRow = (name) => PARTS.findIndex((p) => p.row.test(name));

/** Reads an earlier BENCHMARKS.md: its sections by heading, its summary rows as cells, and which run measured each benchmark. */
export function parseReport(text) {
  const lines = text.split('\n');
  const sections = new Map();
  let at = -1;
  const close = (end) => { if (at >= 0) sections.set(lines[at], lines.slice(at, end).join('\n').trimEnd()); };
  lines.forEach((l, i) => {
    if (!l.startsWith('## ')) return;
    close(i);
    at = i;
  });
  close(lines.length);

  // The summary is a table padded with spaces: cells are at least two spaces apart.
  const summary = [...sections.entries()].find(([h]) => h === '## Summary')?.[1] || '';
  const fence = summary.split('\n').filter((l, i, all) => all.indexOf('```') < i && i < all.lastIndexOf('```'));
  const rows = fence.slice(2).map((l) => l.split(/ {2,}/)).filter((c) => c.length === 4);

  const cell = (name) => (text.match(new RegExp(`^\\| ${name} \\| (.*) \\|$`, 'm')) || [])[1] || '';
  const measuredBy = {};
  const date = cell('date');
  const commit = cell('commit').split(' ')[0];
  for (const p of PARTS) measuredBy[p.name] = { date, commit };
  const groups = (cell('run').split('measured in more than one run: ')[1] || '').split('; ');
  for (const g of groups) {
    const m = g.match(/^(.+) on (\S+) at (\w+)$/);
    if (m) for (const name of m[1].split(', ')) measuredBy[name] = { date: m[2], commit: m[3] };
  }
  return { sections, rows, measuredBy };
}

/** The parts of `results` this run has nothing for, with what `old` (parseReport's) holds for them. */
export function keptFrom(old, results) {
  const find = (heading) => [...old.sections.keys()].find((h) => h.startsWith(heading));
  // A part with results renders its own section too (`sectionHas` includes `has`).
  return PARTS.filter((p) => !p.has(results)).map((p) => ({
    ...p,
    section: p.heading && !sectionShown(p, results) && find(p.heading) ? old.sections.get(find(p.heading)) : undefined,
    rows: old.rows.filter((c) => p.row.test(c[0])),
    measuredBy: old.measuredBy[p.name],
  }));
}
