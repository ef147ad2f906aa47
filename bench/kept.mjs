// What a run keeps from the BENCHMARKS.md it replaces. Raw results live in
// target/bench/all.json, which a fresh checkout does not have: a run of some
// benchmarks there would otherwise drop every other section. Each benchmark
// this run has no results for keeps its section's text, its summary rows and
// the run that measured it, as the file has them.

/** The report's parts in summary order: a benchmark's name (as `--only` and `measuredBy` name it), its results, its section heading and its summary rows. */
export const PARTS = [
  { name: 'payload', has: (r) => r.payload, heading: '## 1. ', row: /^1\. / },
  { name: 'startup', has: (r) => r.startup, heading: '## 2. ', row: /^2\. / },
  { name: 'startup-real', has: (r) => r.startupReal, heading: '## 2b. ', row: /^2b\. / },
  // One section for both: it is kept only when neither was measured.
  { name: 'decisions', has: (r) => r.native || r.boundary, heading: '## 3. ', row: /^3\. .*, native$/, rowsHas: (r) => r.native },
  { name: 'boundary', has: (r) => r.native || r.boundary, row: /^3\. .*, wasm boundary/, rowsHas: (r) => r.boundary },
  { name: 'listeners', has: (r) => r.listeners, heading: '## 6. ', row: /^6\. / },
  { name: 'switching', has: (r) => r.switching, heading: '## 7. ', row: /^7\. / },
  { name: 'second-call', has: (r) => r.secondCall, heading: '## 9. ', row: /^9\. / },
  { name: 'memory', has: (r) => r.memory, heading: '## 8. ', row: /^8\. / },
  { name: 'calls', has: (r) => r.calls, heading: '## 4. ', row: /^[45]\. / },
];

const rowsHave = (part, r) => !!(part.rowsHas || part.has)(r);

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
  return PARTS.filter((p) => !rowsHave(p, results) || (p.heading && !p.has(results))).map((p) => ({
    ...p,
    section: p.heading && !p.has(results) && find(p.heading) ? old.sections.get(find(p.heading)) : undefined,
    rows: rowsHave(p, results) ? [] : old.rows.filter((c) => p.row.test(c[0])),
    measuredBy: old.measuredBy[p.name],
  }));
}
