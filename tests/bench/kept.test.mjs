// bench/kept.mjs: a run of some benchmarks in a fresh checkout (no raw
// results from earlier runs) keeps the other benchmarks' sections, summary
// rows and provenance as BENCHMARKS.md has them.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseReport, keptFrom, partOfRow, PARTS } from '../../bench/kept.mjs';

const REPORT = `# Benchmarks

## Machine

| | |
| --- | --- |
| date | 2026-12-07T17:36:37Z |
| commit | 36fa564 (with uncommitted changes to the plugin) |
| run | full; measured in more than one run: payload, startup on 2026-12-07T10:36:08Z at 93cd35f; decisions on 2026-12-06T16:51Z at f8e27af; listeners, switching on 2026-12-07T17:36:37Z at 36fa564 |

## Summary

\`\`\`
benchmark                    figure                  budget             result
---------------------------  ----------------------  -----------------  ------
1. payload                   57.0 KB raw             ≤ 36.0 KB gzipped  PASS
3. select, native            1: 69 ns, 10: 147 ns    –                  –
3. select, wasm boundary     1: 1.50 µs              ≤ 50 µs at 50      PASS
6. beforeUnholdCall, double  1: 90.0 µs              ≤ reference        FAIL
7. switching, stock Flex     heard 47.8 ms           reported           –
\`\`\`

## 1. Payload

The payload's text.

## 3. Decision time

Both halves.

### Native (criterion)

Native rows.

## 6. Listener time (issue 13)

Old listener figures.
`;

test('an earlier report is read back: sections by heading, summary rows as four cells, and who measured what', () => {
  const old = parseReport(REPORT);
  assert.deepEqual([...old.sections.keys()], ['## Machine', '## Summary', '## 1. Payload', '## 3. Decision time', '## 6. Listener time (issue 13)']);
  assert.equal(old.sections.get('## 3. Decision time'), '## 3. Decision time\n\nBoth halves.\n\n### Native (criterion)\n\nNative rows.');
  assert.deepEqual(old.rows.map((r) => r[0]), ['1. payload', '3. select, native', '3. select, wasm boundary', '6. beforeUnholdCall, double', '7. switching, stock Flex']);
  assert.deepEqual(old.rows[3], ['6. beforeUnholdCall, double', '1: 90.0 µs', '≤ reference', 'FAIL']);
  assert.deepEqual(old.measuredBy.payload, { date: '2026-12-07T10:36:08Z', commit: '93cd35f' });
  assert.deepEqual(old.measuredBy.switching, { date: '2026-12-07T17:36:37Z', commit: '36fa564' });
  // Not named in the run line: the report's own run.
  assert.deepEqual(old.measuredBy.memory, { date: '2026-12-07T17:36:37Z', commit: '36fa564' });
});

test('a run that measured only the listeners keeps every other part, and not the listeners', () => {
  const kept = keptFrom(parseReport(REPORT), { listeners: { double: {} } });
  const names = kept.map((k) => k.name);
  assert.ok(!names.includes('listeners'));
  assert.deepEqual(names, PARTS.map((p) => p.name).filter((n) => n !== 'listeners'));
  const payload = kept.find((k) => k.name === 'payload');
  assert.equal(payload.section, '## 1. Payload\n\nThe payload\'s text.');
  assert.deepEqual(payload.rows, [['1. payload', '57.0 KB raw', '≤ 36.0 KB gzipped', 'PASS']]);
  // In the report's summary but without a section of their own there: rows only.
  const switching = kept.find((k) => k.name === 'switching');
  assert.equal(switching.section, undefined);
  assert.equal(switching.rows.length, 1);
  // Nothing of a part the report never had.
  const memory = kept.find((k) => k.name === 'memory');
  assert.equal(memory.section, undefined);
  assert.deepEqual(memory.rows, []);
});

test('decision time is one section for two benchmarks: measuring one keeps only the other\'s rows', () => {
  const kept = keptFrom(parseReport(REPORT), { native: {} });
  assert.equal(kept.find((k) => k.name === 'decisions'), undefined);
  const boundary = kept.find((k) => k.name === 'boundary');
  assert.equal(boundary.section, undefined);
  assert.deepEqual(boundary.rows.map((r) => r[0]), ['3. select, wasm boundary']);
});

test('a run with every result keeps nothing', () => {
  const all = { payload: 1, startup: 1, startupReal: 1, native: 1, boundary: 1, listeners: 1, switching: 1, secondCall: 1, memory: 1, calls: 1 };
  assert.deepEqual(keptFrom(parseReport(REPORT), all), []);
});

test('summary rows sort into the report\'s order of parts', () => {
  const names = ['4. crosstalk, standby', '1. payload', '3. accept, wasm boundary', '3. accept, native', '2b. real Flex ready', '2. start-up', '9. second call', '8. memory'];
  const sorted = [...names].sort((a, b) => partOfRow(a) - partOfRow(b));
  assert.deepEqual(sorted, ['1. payload', '2. start-up', '2b. real Flex ready', '3. accept, native', '3. accept, wasm boundary', '9. second call', '8. memory', '4. crosstalk, standby']);
});

test('no report at all keeps nothing to show', () => {
  const kept = keptFrom(parseReport(''), {});
  assert.ok(kept.every((k) => k.section === undefined && k.rows.length === 0));
});
