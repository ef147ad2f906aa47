#!/usr/bin/env node
// `npm run bench`: every benchmark of issue 4, a table on stdout, BENCHMARKS.md.
//
//   node bench/run.mjs                  everything (~35 minutes on 2 cores)
//   node bench/run.mjs --quick          fewer iterations (a smoke run; figures are noisier)
//   node bench/run.mjs --before=REV     also build git revision REV with its own scripts/build.mjs and measure
//                                       its payload, start-up and boundary in the same run, beside this tree's
//   node bench/run.mjs --check-payload  build, print the payload, exit 1 when over 36 KB gzipped
//   node bench/run.mjs --check-payload --no-build   the same on the bundle already built (npm test's form)
//   node bench/run.mjs --only=payload,startup,startup-real,decisions,boundary,listeners,switching,second-call,memory,calls
//   node bench/run.mjs --only=memory --memory-calls=1000   the memory run at a day's length (about 2 s per call)
//   node bench/run.mjs --only=memory --memory-pages=stock  only the stock-Flex page, beside the last run's multi-call page
//   node bench/run.mjs --only=switching --switching-runs=2  fewer runs of benchmark 7 (3 by default; 30 configurations, about 35 s each per run)
//   node bench/run.mjs --no-build       use the dist/ and target/bindgen/ already built
//   node bench/run.mjs --no-write       do not rewrite BENCHMARKS.md
//   node bench/run.mjs --note=TEXT      a line about the machine for BENCHMARKS.md (e.g. other work running)
//   node bench/run.mjs --only=none --no-build   re-render BENCHMARKS.md from target/bench/all.json
//
// A benchmark with no results in target/bench/all.json (a fresh checkout has
// none) keeps its section, summary rows and provenance from BENCHMARKS.md.
//
// Timing budgets are checked and reported (PASS/FAIL), never turned into an
// exit code; only --check-payload fails the process. Raw results go to
// target/bench/*.json.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, OUT, machine, save, load, kb, ms, us, verdict } from './lib.mjs';
import { payload, payloadLine } from './payload.mjs';
import { startup } from './startup.mjs';
import { boundary, renderAfterIdle, SIZES } from './boundary.mjs';
import { startupInRealFlex, renderStartupReal } from './startup-real.mjs';
import { switching, renderSwitching, configName, comparisons } from './switching.mjs';
import { secondCallInRealFlex, renderSecondCall } from './second-call-real.mjs';
import { memoryInRealFlex, renderMemory } from './memory-real.mjs';
import { listenersInDouble, listenersInRealFlex, renderListeners, REFERENCE_US, NOOP_BUDGET_US, CLICKED, LABEL } from './listeners.mjs';
import { parseReport, keptFrom, partOfRow } from './kept.mjs';

const args = process.argv.slice(2);
const has = (f) => args.includes(f);
const value = (name) => (args.find((a) => a.startsWith(`--${name}=`)) || '').slice(name.length + 3);
const quick = has('--quick');
const only = value('only').split(',').filter(Boolean);
const want = (name) => !only.length || only.includes(name);
/** The benchmarks `--only` names, in the order they run. */
const SECTIONS = ['payload', 'startup', 'decisions', 'boundary', 'startup-real', 'listeners', 'switching', 'second-call', 'memory', 'calls'];
const EVENTS = ['select', 'accept', 'unhold', 'ended'];

const step = (s) => console.error(`\n# bench: ${s}`);
// Its output goes to stderr with the progress: stdout is the summary table.
const build = (root) => execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 2, 'inherit'] });


// The size gate (scripts/test.sh): nothing else measured, nothing written.
if (has('--check-payload')) {
  if (!has('--no-build')) build(ROOT);
  const p = await payload(ROOT, { modules: false });
  console.log(`${payloadLine(p)}; budget ${kb(p.budgetGzip)} gzipped: ${verdict(p.pass)}`);
  if (!p.pass) console.error(`payload budget exceeded: ${p.gzip} > ${p.budgetGzip} bytes gzipped`);
  process.exit(p.pass ? 0 : 1);
}

const results = load('all') || {};
const rerender = only.includes('none');
const earlierMeasuredBy = results.machine?.measuredBy;
if (!rerender || !results.machine) {
  // The load average before this run starts any work: other work on the machine.
  const earlier = results.machine;
  results.machine = { ...machine(), loadBefore: os.loadavg(), note: value('note') || undefined };
  // A run of some benchmarks keeps the others' figures: remember which run measured each.
  const here = { date: results.machine.date, commit: results.machine.commit };
  const before = earlier ? { date: earlier.date, commit: earlier.commit } : here;
  results.machine.measuredBy = Object.fromEntries(SECTIONS.map((n) => [n, want(n) ? here : earlier?.measuredBy?.[n] || before]));
  results.quick = quick;
}

// `--before=REV`: that revision, built in a git worktree under target/bench/
// by its own scripts/build.mjs (a revision's bench page and build script go
// with its boundary), and removed at the end. Its cargo target dir is a link
// to target/bench/before-cargo/, which is kept, so the next run builds faster.
const BEFORE = path.join(OUT, 'before');
const BEFORE_URL = '/target/bench/before';
const beforeRev = value('before');
const git = (...a) => execFileSync('git', ['-C', ROOT, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
function removeBefore() {
  for (const link of ['node_modules', 'target']) fs.rmSync(path.join(BEFORE, link), { force: true });
  if (git('worktree', 'list', '--porcelain').split('\n').includes(`worktree ${BEFORE}`)) git('worktree', 'remove', '--force', BEFORE);
  fs.rmSync(BEFORE, { recursive: true, force: true });
}
if (beforeRev) {
  const commit = git('rev-parse', '--verify', `${beforeRev}^{commit}`);
  results.before = { rev: beforeRev, commit: commit.slice(0, 7), subject: git('log', '-1', '--format=%s', commit) };
} else if (!rerender) {
  delete results.before; // figures of another run are not "the same run"
}

try {
  if (!has('--no-build')) {
    step('building dist/plugin-multi-call.js (node scripts/build.mjs)');
    build(ROOT);
  }
  if (beforeRev) {
    step(`building ${beforeRev} (${results.before.commit}) in target/bench/before (its own node scripts/build.mjs)`);
    removeBefore(); // one left by an interrupted run
    git('worktree', 'add', '--detach', BEFORE, results.before.commit);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(BEFORE, 'node_modules'));
    fs.mkdirSync(path.join(OUT, 'before-cargo'), { recursive: true });
    fs.symlinkSync(path.join(OUT, 'before-cargo'), path.join(BEFORE, 'target'));
    build(BEFORE);
  }

  if (want('payload')) {
    step('1. payload');
    results.payload = await payload();
    console.error(`${payloadLine(results.payload)}; budget ${kb(results.payload.budgetGzip)} gzipped: ${verdict(results.payload.pass)}`);
    if (beforeRev) {
      results.before.payload = await payload(BEFORE);
      console.error(`before (${beforeRev}): ${payloadLine(results.before.payload)}`);
    } else if (results.before) delete results.before.payload;
  }

  if (want('startup')) {
    step(`2. start-up (${quick ? 10 : 30} fresh page loads${beforeRev ? ` each, taking turns with ${beforeRev}'s` : ''})`);
    const bundles = { after: '/dist/plugin-multi-call.js', ...(beforeRev ? { before: `${BEFORE_URL}/dist/plugin-multi-call.js` } : {}) };
    const r = await startup({ loads: quick ? 10 : 30, bundles });
    results.startup = r.after;
    console.error(`start-up median ${ms(r.after.total.median)}: ${verdict(r.after.pass)}`);
    if (beforeRev) {
      results.before.startup = r.before;
      console.error(`before (${beforeRev}): start-up median ${ms(r.before.total.median)}`);
    } else if (results.before) delete results.before.startup;
  }

  if (want('decisions')) {
    step('3a. decision time, native (cargo bench --bench decisions, criterion)');
    const env = { ...process.env, ...(quick ? { MC_BENCH_QUICK: '1' } : {}) };
    const r = spawnSync('cargo', ['bench', '--locked', '--bench', 'decisions', '--', '--noplot'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(path.join(OUT, 'criterion.txt'), r.stdout || '');
    if (r.status !== 0) throw new Error(`cargo bench failed (${r.status}); see target/bench/criterion.txt`);
    const native = {};
    for (const ev of EVENTS) {
      native[ev] = {};
      for (const n of SIZES) {
        const dir = path.join(ROOT, 'target', 'criterion', ev, String(n), 'new');
        const est = JSON.parse(fs.readFileSync(path.join(dir, 'estimates.json'), 'utf8'));
        const sample = JSON.parse(fs.readFileSync(path.join(dir, 'sample.json'), 'utf8'));
        const per = sample.times.map((t, i) => t / sample.iters[i]);
        native[ev][n] = { meanNs: est.mean.point_estimate, medianNs: est.median.point_estimate, stdDevNs: est.std_dev.point_estimate,
          sampleMinNs: Math.min(...per), sampleMaxNs: Math.max(...per), iterations: sample.iters.reduce((a, b) => a + b, 0) };
      }
    }
    results.native = native;
    console.error(`native at 50 tasks: ${EVENTS.map((e) => `${e} ${us(native[e][50].meanNs / 1000)}`).join(', ')}`);
  }

  if (want('boundary')) {
    step(`3b. decision time through the wasm boundary (headless Chromium${beforeRev ? `, taking turns with ${beforeRev}'s` : ''})`);
    const r = await boundary({ samples: quick ? 500 : 3000, warmup: quick ? 100 : 500, idleSamples: quick ? 20 : 60, revisions: { after: '', ...(beforeRev ? { before: BEFORE_URL } : {}) } });
    results.boundary = r.after;
    const at50 = (b) => EVENTS.map((e) => `${e} ${us(b.events[e][50].trimmedMean)}`).join(', ');
    console.error(`boundary at 50 tasks (mean): ${at50(r.after)}: ${verdict(r.after.pass)}`);
    if (beforeRev) {
      results.before.boundary = r.before;
      console.error(`before (${beforeRev}): ${at50(r.before)}`);
    } else if (results.before) delete results.before.boundary;
  }
} finally {
  if (beforeRev) removeBefore();
}

if (want('startup-real')) {
  step(`2b. start-up in real Flex (${quick ? 5 : 20} page loads each with multi-call, two empty plugins and none, taking turns)`);
  try {
    results.startupReal = await startupInRealFlex({ loads: quick ? 5 : 20 });
    const sr = results.startupReal;
    console.error(`Flex ready after its plugin list: median ${ms(sr.with.median)} with multi-call, ${ms(sr.sized.median)} with an empty plugin of its size, ${ms(sr.without.median)} without a plugin`);
  } catch (e) {
    console.error(`# bench: start-up in real Flex failed: ${e.message}`);
    results.startupReal = { error: e.message.split('\n')[0] };
  }
}

if (want('listeners')) {
  step('6. listener time in the Flex double and in real Flex (the local Twilio, real calls)');
  const double = await listenersInDouble({ rounds: quick ? 15 : 60 });
  let real;
  try {
    real = await listenersInRealFlex({ rounds: quick ? 3 : 8 });
  } catch (e) {
    console.error(`# bench: listener time in real Flex failed: ${e.message}`);
    real = { error: e.message.split('\n')[0] };
  }
  results.listeners = { double, real };
}

if (want('switching')) {
  const runs = Number(value('switching-runs')) || (quick ? 1 : 3);
  step(`7. switching in real Flex: un-hold click to the customer hearing the agent, others silent (0 and 150 ms per request; ${runs} runs)`);
  try {
    results.switching = await switching({ rounds: quick ? 3 : 10, runs });
  } catch (e) {
    console.error(`# bench: switching in real Flex failed: ${e.message}`);
    results.switching = { error: e.message.split('\n')[0] };
  }
}

if (want('second-call')) {
  step('9. second-call latency in real Flex: Accept click to first audio, first and second call (0 and 150 ms per request)');
  try {
    results.secondCall = await secondCallInRealFlex({ rounds: quick ? 2 : 5 });
  } catch (e) {
    console.error(`# bench: second-call latency in real Flex failed: ${e.message}`);
    results.secondCall = { error: e.message.split('\n')[0] };
  }
}

if (want('memory')) {
  const stockOnly = value('memory-pages') === 'stock';
  const calls = (stockOnly && results.memory?.calls) || Number(value('memory-calls')) || (quick ? 20 : 100);
  step(`8. memory in a long-lived real-Flex page (${calls} calls${stockOnly ? ', the stock-Flex page only' : ''})`);
  try {
    const every = Math.max(2, Math.round(calls / 10 / 2) * 2);
    if (stockOnly) {
      // The last run's multi-call page stays; only the baseline is measured again.
      const kept = results.memory;
      if (!kept || kept.error || !kept.samples) throw new Error('--memory-pages=stock needs an earlier run of both pages in target/bench/all.json');
      const by = earlierMeasuredBy?.memory;
      const stock = await memoryInRealFlex({ calls: kept.calls, every: kept.samples[1].calls, mode: 'off' }).catch((e) => ({ error: e.message.split('\n')[0] }));
      stock.measuredBy = `measured on its own at ${results.machine.commit}, ${results.machine.date}; multi-call's page${by ? ` at ${by.commit}, ${by.date}` : ' earlier'}`;
      kept.stock = stock;
      if (by) results.machine.measuredBy.memory = by;
    } else {
      // One page after the other, in the same run: run at once on two cores,
      // each page's calls took twice as long (so nothing was saved) and the
      // load average reached 6-8.
      results.memory = await memoryInRealFlex({ calls, every });
      results.memory.stock = await memoryInRealFlex({ calls, every, mode: 'off' }).catch((e) => ({ error: e.message.split('\n')[0] }));
      results.memory.stock.sameRun = true;
    }
  } catch (e) {
    console.error(`# bench: memory in real Flex failed: ${e.message}`);
    results.memory = { error: e.message.split('\n')[0] };
  }
}

if (want('calls')) {
  step('4 + 5. second-call latency and crosstalk in the sandbox (real Voice SDK, real media)');
  const script = path.join(ROOT, 'bench', 'calls.mjs');
  const rounds = quick ? 2 : 4;
  const steps = quick ? 30 : 100;
  const childArgs = [script, `--rounds=${rounds}`, `--steps=${steps}`];
  // As tests/e2e/harness.mjs: a fresh network namespace with only lo up, when one can be made.
  const probe = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
  const netns = probe.status === 0 && !process.env.E2E_NO_NETNS;
  const r = netns
    ? spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, ...childArgs], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, E2E_NETNS: '1' }, timeout: 9 * 60 * 1000 })
    : spawnSync(process.execPath, childArgs, { cwd: ROOT, stdio: 'inherit', timeout: 9 * 60 * 1000 });
  if (r.status !== 0) console.error(`# bench: the sandbox benchmark failed (${r.status ?? r.signal}); items 4 and 5 are reported as not measured`);
  results.calls = r.status === 0 ? load('calls') : { error: `exit ${r.status ?? r.signal}` };
  if (results.calls) results.calls.netns = netns;
}

if (!rerender) results.machine.loadAfter = os.loadavg();
await save('all', results);
const file = path.join(ROOT, 'BENCHMARKS.md');
const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
// Benchmarks with no results here (a fresh checkout has no all.json) keep
// their figures from BENCHMARKS.md, and the run that measured them.
const kept = keptFrom(parseReport(old), results);
for (const k of kept) if (k.measuredBy?.date && (k.section || k.rows.length)) (results.machine.measuredBy ||= {})[k.name] = k.measuredBy;
const md = render(results);
console.log(table(results));
if (!has('--no-write')) {
  // The setup tool's section is measured by its own example (cargo), not here: keep it as it is.
  const setup = old.indexOf('\n## Setup tool:');
  fs.writeFileSync(file, setup >= 0 ? `${md.trimEnd()}\n\n${old.slice(setup + 1)}` : md);
  console.error('\n# bench: wrote BENCHMARKS.md (raw results in target/bench/)');
}

// ---------------------------------------------------------------- output

function table(r) {
  const rows = [['benchmark', 'figure', 'budget', 'result']];
  const b4 = r.before;
  const was = b4 ? `, before (${b4.commit})` : '';
  const p = r.payload;
  if (p) rows.push(['1. payload', `${kb(p.raw)} raw, ${kb(p.gzip)} gzipped`, `≤ ${kb(p.budgetGzip)} gzipped`, verdict(p.pass)]);
  if (b4?.payload) rows.push([`1. payload${was}`, `${kb(b4.payload.raw)} raw, ${kb(b4.payload.gzip)} gzipped`, 'reported', '–']);
  const startupRow = (name, s, budget) => rows.push([name, `median ${ms(s.total.median)} (p10 ${ms(s.total.p10)}, p90 ${ms(s.total.p90)}, ${s.loads} loads)`, ...budget]);
  if (r.startup) startupRow('2. start-up', r.startup, ['≤ 5 ms median', verdict(r.startup.pass)]);
  if (r.startup?.initBarMs) rows.push(['2. awaited init, double', `median ${ms(r.startup.init.median)} (p10 ${ms(r.startup.init.p10)}, p90 ${ms(r.startup.init.p90)})`, `≤ reference (${ms(r.startup.initBarMs)})`, verdict(r.startup.initPass)]);
  if (b4?.startup) startupRow(`2. start-up${was}`, b4.startup, ['reported', '–']);
  const sr = r.startupReal;
  if (sr && !sr.error) {
    rows.push(['2b. real Flex ready, with multi-call', `median ${ms(sr.with.median)} (p10 ${ms(sr.with.p10)}, p90 ${ms(sr.with.p90)}, ${sr.with.n} loads)`, 'reported', '–']);
    if (sr.sized) rows.push(['2b. real Flex ready, empty plugin of its size', `median ${ms(sr.sized.median)} (p10 ${ms(sr.sized.p10)}, p90 ${ms(sr.sized.p90)}, ${sr.sized.n} loads)`, 'reported', '–']);
    rows.push(['2b. real Flex ready, without a plugin', `median ${ms(sr.without.median)} (p10 ${ms(sr.without.p10)}, p90 ${ms(sr.without.p90)}, ${sr.without.n} loads)`, 'reported', '–']);
    const init = sr.steps.at(-1);
    rows.push(['2b. multi-call\'s awaited init, real Flex', `median ${ms(init.median)} (p10 ${ms(init.p10)}, p90 ${ms(init.p90)})`, 'reported', '–']);
  } else if (sr) rows.push(['2b. start-up in real Flex', `not measured: ${sr.error}`, '–', '–']);
  if (r.native) for (const e of EVENTS) rows.push([`3. ${e}, native`, SIZES.map((n) => `${n}: ${us(r.native[e][n].meanNs / 1000)}`).join(', '), '–', '–']);
  const boundaryRows = (b, suffix, judged) => {
    for (const e of EVENTS) rows.push([`3. ${e}, wasm boundary${suffix}`, SIZES.map((n) => `${n}: ${us(b.events[e][n].trimmedMean)}`).join(', '),
      judged ? '≤ 50 µs at 50 tasks' : 'reported', judged ? verdict(b.events[e][50].trimmedMean <= 50) : '–']);
  };
  if (r.boundary) boundaryRows(r.boundary, '', true);
  if (b4?.boundary) boundaryRows(b4.boundary, was, false);
  const li = r.listeners;
  if (li) {
    const d = li.double;
    for (const k of Object.keys(REFERENCE_US)) {
      rows.push([`6. ${LABEL[k] || k}, double`, d.sizes.map((n) => `${n}: ${us(d.bySize[n][k].median)}`).join(', '), `≤ reference (${d.sizes.map((n) => REFERENCE_US[k][n]).join(' / ')} µs)`,
        verdict(d.sizes.every((n) => d.bySize[n][k].median <= REFERENCE_US[k][n]))]);
    }
    rows.push(['6. store, state unchanged, double', d.sizes.map((n) => `${n}: ${us(d.bySize[n].unchanged.median)}`).join(', '), `≤ ${NOOP_BUDGET_US} µs`, verdict(d.sizes.every((n) => d.bySize[n].unchanged.median <= NOOP_BUDGET_US))]);
    const rf = li.real;
    if (rf && !rf.error) {
      for (const k of Object.keys(REFERENCE_US)) rows.push([`6. ${LABEL[k] || k}, real Flex`, rf.sizes.map((n) => `${n}: ${us(rf.bySize[n][k].median)}`).join(', '), 'reported', '–']);
      for (const [k, name] of Object.entries(CLICKED)) {
        const sizes = rf.sizes.filter((n) => rf.bySize[n][k] && rf.bySize[n][k].n);
        if (sizes.length) rows.push([`6. ${LABEL[name] || name}, real Flex, from a click`, sizes.map((n) => `${n}: ${us(rf.bySize[n][k].median)}`).join(', '), 'reported', '–']);
      }
      rows.push(['6. store, state unchanged, real Flex', rf.sizes.map((n) => `${n}: ${us(rf.bySize[n].unchanged.median)}`).join(', '), `≤ ${NOOP_BUDGET_US} µs`, verdict(rf.sizes.every((n) => rf.bySize[n].unchanged.median <= NOOP_BUDGET_US))]);
    } else if (rf) rows.push(['6. listeners, real Flex', `not measured: ${rf.error}`, '–', '–']);
  }
  const sw = r.switching;
  if (sw && !sw.error) {
    for (const x of sw.configs) rows.push([`7. switching, ${configName(x)}, ${x.latencyMs} ms/request`, `heard ${ms(x.heard.median)}, others silent ${ms(x.silent.median)} (median of ${x.rounds})`, 'reported', '–']);
    // Issue 13's bar, like for like: the agent speaking from the click, beside the same click in stock Flex.
    for (const { x, same } of comparisons(sw).filter((c) => c.x.speakAtClick && c.same)) {
      // Switched: the customer hears the agent and every other customer hears silence (the later of the two).
      const extra = x.switched.median - same.switched.median;
      const trip = same.roundTrip && same.roundTrip.median;
      rows.push([`7. switching over the same click in stock Flex, ${x.mode}, ${x.selectFirst ? 'selected task' : "another task's card"}, speaking from the click, ${x.latencyMs} ms/request`,
        `switched ${extra >= 0 ? '+' : ''}${ms(extra)} (others silent ${ms(x.silent.median)}); one request's round trip ${ms(trip)}`, "≤ one request's round trip", verdict(Number.isFinite(extra) && Number.isFinite(trip) && extra <= trip)]);
    }
  } else if (sw) rows.push(['7. switching, real Flex', `not measured: ${sw.error}`, '–', '–']);
  const sc = r.secondCall;
  if (sc && !sc.error) {
    for (const x of sc.configs) rows.push([`9. second call, ${x.mode}, ${x.latencyMs} ms/request`, `first call ${ms(x.first.median)}, second ${ms(x.second.median)} (median of ${x.second.n})`, x.mode === 'forward' ? 'second ≤ first + 100 ms' : 'reported', x.mode === 'forward' ? verdict(x.extra <= 100) : '–']);
  } else if (sc) rows.push(['9. second call, real Flex', `not measured: ${sc.error}`, '–', '–']);
  const mem = r.memory;
  if (mem && !mem.error) {
    const last = mem.samples.at(-1);
    const base = mem.stock && !mem.stock.error ? `; stock Flex ${mem.stock.heapMBPer100Calls.toFixed(2)} MB per 100 calls` : '';
    rows.push(['8. memory, real Flex', `${last.calls} calls: heap ${mem.samples[1]?.heapMB.toFixed(1)} → ${last.heapMB.toFixed(1)} MB (${mem.heapMBPer100Calls.toFixed(2)} MB per 100 calls), Devices alive ${last.devices}${base}`, 'no growth', '–']);
  } else if (mem) rows.push(['8. memory, real Flex', `not measured: ${mem.error}`, '–', '–']);
  const c = r.calls;
  if (c && c.crosstalk) for (const m of Object.keys(c.crosstalk)) {
    const x = c.crosstalk[m];
    rows.push([`4. crosstalk, ${m}`, `${x.steps} steps: ${ms(x.overlapMs)} two mics open; held customers max ${x.held.steady.max.toExponential(1)}/s (0.5-0.9 s after), ${x.held.tail.max.toExponential(1)}/s (0.15-0.5 s)`, '0 ms, silence', verdict(x.pass)]);
  }
  if (c && c.latency) for (const m of Object.keys(c.latency)) {
    const l = c.latency[m];
    rows.push([`5. call latency, ${m}`, `first call ${ms(l.first.median)}, second ${ms(l.second.median)} (median of ${l.second.n})`, 'reported', '–']);
  }
  for (const k of kept) rows.push(...k.rows);
  // Stable: each part's rows keep their order, the parts take the report's.
  rows.splice(1, rows.length, ...rows.slice(1).sort((a, b) => partOfRow(a[0]) - partOfRow(b[0])));
  const w = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  return '\n' + rows.map((row, j) => row.map((x, i) => String(x).padEnd(w[i])).join('  ').trimEnd() + (j === 0 ? '\n' + w.map((n) => '-'.repeat(n)).join('  ') : '')).join('\n');
}

/** Which run measured which benchmarks, when they were not all measured by the last one. */
function provenance(m) {
  const by = m.measuredBy;
  if (!by) return '';
  const groups = new Map();
  for (const [name, run] of Object.entries(by)) {
    const key = `${run.date} at ${run.commit}`;
    groups.set(key, [...(groups.get(key) || []), name]);
  }
  if (groups.size < 2) return '';
  return `; measured in more than one run: ${[...groups].map(([run, names]) => `${names.join(', ')} on ${run}`).join('; ')}`;
}

function render(r) {
  const m = r.machine;
  const b4 = r.before;
  const L = [];
  L.push('# Benchmarks', '');
  L.push('Figures for issue 4 (size, start-up, decision time, crosstalk, second-call latency), written by `npm run bench`',
    '(`node bench/run.mjs`; raw results in `target/bench/*.json`). Timing budgets are checked and reported here,',
    'never asserted; only the payload budget can fail a run (`node bench/run.mjs --check-payload`, which `npm test` runs after its build).', '');
  if (b4) {
    L.push(`**Before and after, same run.** This run also built \`${b4.commit}\` ("${b4.subject}") with that revision's own`,
      '`scripts/build.mjs` (in a git worktree under `target/bench/`) and measured its payload, start-up and decision time through the',
      'wasm boundary beside the current tree\'s, on the same machine, the page loads and benchmark cells of the two taking turns.',
      `Reproduce: \`node bench/run.mjs --before=${b4.rev}\`.`, '');
  }
  L.push('## Machine', '');
  L.push('| | |', '| --- | --- |');
  const load = (a) => (a ? a.map((x) => x.toFixed(2)).join(' / ') : '–');
  L.push(`| CPU | ${m.cpu} |`, `| cores | ${m.cores} (\`nproc\`) |`, `| memory | ${m.memory} |`, `| OS | ${m.os} |`,
    `| Node | ${m.node} |`, `| Chromium | ${m.chromium} (headless) |`, `| rustc | ${m.rustc} |`,
    `| load average (1 / 5 / 15 min) | ${load(m.loadBefore)} when the run started, ${load(m.loadAfter)} at its end |`,
    ...(m.note ? [`| note | ${m.note} |`] : []),
    `| date | ${m.date} |`, `| commit | ${m.commit}${m.dirty ? ' (with uncommitted changes to the plugin)' : ''}${b4 ? `; before: ${b4.commit}` : ''} |`,
    `| run | ${r.quick ? '`--quick` (fewer iterations)' : 'full'}${provenance(m)} |`, '');
  if (m.loadBefore && m.loadBefore[0] >= m.cores / 2) {
    L.push(`The load average was high when the run started (${m.loadBefore[0].toFixed(1)} on ${m.cores} cores; the 1-minute figure lags: other work, or a run just before):`,
      'timings are noisier and slower than on an idle machine, and are best read against each other within this run.', '');
  }
  L.push('## Summary', '', '```', table(r).trim(), '```', '');
  const keptSection = (name) => kept.find((k) => k.name === name)?.section;
  const keep = (name) => { if (keptSection(name)) L.push(keptSection(name), ''); };

  const p = r.payload;
  if (p) {
    const bp = b4?.payload;
    L.push('## 1. Payload', '', 'Reproduce: `node scripts/build.mjs && node bench/run.mjs --only=payload --no-build` (the size gate: `node bench/run.mjs --check-payload`;',
      '`npm test` runs it with `--no-build` right after its build). `scripts/build.mjs` prints the same split.', '');
    L.push(`\`dist/plugin-multi-call.js\`: **${p.raw} B raw, ${p.gzip} B gzipped** (${kb(p.gzip)}); budget ${p.budgetGzip} B gzipped: **${verdict(p.pass)}**${p.pass ? ` (${kb(p.budgetGzip - p.gzip)} to spare)` : ` (${kb(p.gzip - p.budgetGzip)} over)`}.`, '');
    const packing = (x) => (x.packing === 'latin1' ? 'a Latin-1 string literal (UTF-8 on disk)' : 'deflated (zopfli), then base64');
    const cols = (x, f) => (x ? f(x) : ['–', '–']);
    const rows = [
      ['whole bundle', (x) => [`${x.raw} B`, `**${x.gzip} B**`]],
      ['wasm (`target/bindgen/multi_call_bg.wasm`, after wasm-opt)', (x) => [`${x.wasm.raw} B`, `${x.wasm.gzip} B alone`]],
      ['wasm deflated (zopfli)', (x) => (x.wasm.deflated ? [`${x.wasm.deflated} B`, '–'] : ['–', '–'])],
      ['wasm as embedded in the bundle (the string literal)', (x) => [`${x.wasm.literalRaw} B`, `${x.wasm.literalGzip} B alone`]],
      ['JavaScript (the bundle without the wasm literal)', (x) => [`${x.js.raw} B`, `${x.js.gzip} B alone`]],
      ['of which wasm-bindgen glue (`target/bindgen/multi_call.js`)', (x) => (x.js.glueRaw ? [`${x.js.glueRaw} B`, `≈ ${x.js.glueGzipAlone} B minified alone`] : ['–', '–'])],
      ['of which the shim (`js-shim/`)', (x) => (x.js.shimRaw ? [`${x.js.shimRaw} B`, `≈ ${x.js.shimGzipAlone} B minified alone`] : ['–', '–'])],
    ];
    if (bp) {
      L.push(`| part | before (${b4.commit}): raw | gzipped | now: raw | gzipped |`, '| --- | ---: | ---: | ---: | ---: |');
      L.push(`| how the wasm is embedded | ${packing(bp)} | | ${packing(p)} | |`);
      for (const [name, f] of rows) L.push(`| ${name} | ${[...cols(bp, f), ...cols(p, f)].join(' | ')} |`);
    } else {
      L.push(`The wasm is embedded ${packing(p)}.`, '', '| part | raw | gzipped |', '| --- | ---: | ---: |');
      for (const [name, f] of rows) L.push(`| ${name} | ${cols(p, f).join(' | ')} |`);
    }
    L.push('', 'Gzip is not additive: the parts are gzipped on their own (level 9), so they do not sum to the whole.',
      'Raw bytes per JS module come from esbuild\'s metafile for the same build options as `scripts/build.mjs` (checked: the same output size).', '');
    L.push('### Where the bytes go', '',
      'Measured while the boundary was built (figures gzipped, level 9, unless marked raw); they explain the table above rather',
      'than being re-measured by this run.', '',
      '- The wasm goes into the bundle deflated, then base64: ASCII only, so the bundle works whatever charset it is served with, and the',
      '  browser inflates it natively (`DecompressionStream`; its time is in start-up\'s "before the first WebAssembly call" row). Plain',
      '  base64 gzips 32% bigger than the wasm (37.0 vs 28.1 KB): gzip cannot see bytes through base64\'s 6-bit groups; deflated first, the',
      '  bundle is as small gzipped as the wasm itself, and half the size where a host serves it uncompressed. Zopfli (`@gfx/zopfli`)',
      '  deflates 6% smaller than zlib\'s level 9 (25.9 vs 27.5 KB).',
      '- Kept: lol_alloc\'s free list instead of std\'s dlmalloc (7 KB less wasm code, 3.6 KB gzipped in the bundle); binaryen keeping',
      '  single-caller functions (`--one-caller-inline-max-function-size 30`, about 0.6 KB); short import, module and export names',
      '  (binaryen\'s `--minify-imports-and-exports-and-modules`, with the glue given the same names by `scripts/build.mjs`): wasm-bindgen',
      '  names each import after its binding and a 16-digit hash, and each name was in the bundle twice, in the wasm and in the glue',
      '  (1.2 KB, half of it in each).',
      '- std with a panic hook that logs one console error (web-sys) and sets `panicked()` for the shim: about 3 KB raw more than `no_std` with a',
      '  trapping panic handler. std\'s panic machinery and serde-wasm-bindgen link `core::fmt` anyway, so the engine\'s `format!`',
      '  messages cost nothing more (the wasm went from 64.5 to 62.7 KB raw when its hand-written formatting went).',
      '- Events are read with js-sys (`Reflect`, `Array`, `Object`; `src/wasm/read.rs`), not `serde_wasm_bindgen::from_value`, whose',
      '  deserializer alone costs about 35 KB raw; commands go out through `serde_wasm_bindgen::to_value` of the tagged `Command` enum;',
      '  the engine\'s timers are armed in the binding with gloo-timers.', '');
  }
  if (!p) keep('payload');
  const s = r.startup;
  if (s) {
    const bs = b4?.startup;
    L.push('## 2. Start-up', '', `Reproduce: \`node bench/run.mjs --only=startup --no-build\`${bs ? ` (before and after: \`node bench/run.mjs --only=startup --before=${b4.rev}\`)` : ''}.`, '');
    L.push(`What is timed: \`bench/pages/startup.html\` builds the Flex double (\`tests/flex-double/flex-double.js\`: fake Flex, fake Voice SDK), fetches the bundle's text, then`,
      'marks `performance.now()` before appending it as an inline classic `<script>` (evaluated synchronously; it calls `Plugins.init`),',
      'when the `init(flex, manager)` promise that Flex awaits has resolved, and when multi-call is running (the plugin\'s `ready`): the wasm',
      'unpacked from its literal (base64 decoded, inflated with `DecompressionStream`), compiled and instantiated, the engine started and every',
      `hook on Flex's actions, store and Device registered (checked through the double's listener counts). Since multi-call starts once Flex has`,
      'rendered (at once here: the double\'s view state names its active view from the start) and the page is next idle, Flex awaits only',
      '`init` itself; the reference feature\'s awaited `init` on this double is 2.4–2.6 ms (issue 13).',
      `One fresh browser context per load; ${s.loads} loads`,
      `after one discarded warm-up load${bs ? ', the two builds\' loads taking turns' : ''}. The page is cross-origin isolated, so \`performance.now()\` resolves 5 µs.`,
      'No network time is included.', '');
    const phases = [
      ['**total: evaluate → hooks registered**', 'total'],
      ['evaluating the script (to `Plugins.init`)', 'evaluate'],
      ['awaited `init` (what Flex waits for)', 'init'],
      ['`init` called → multi-call running', 'running'],
      ['— before the first WebAssembly call (the wasm unpacked to bytes, glue set-up)', 'beforeWasm'],
      [`— \`WebAssembly.${(s.wasmCalls || ['compile'])[0]}\` (compile + instantiate)`, 'wasm'],
      ['— after instantiation (engine start, Flex hooks)', 'afterWasm'],
    ];
    if (bs) {
      L.push(`| phase | before (${b4.commit}): median | p10 – p90 | now: median | p10 – p90 |`, '| --- | ---: | ---: | ---: | ---: |');
      for (const [name, k] of phases.filter(([, key]) => bs[key] && s[key])) L.push(`| ${name} | ${ms(bs[k].median)} | ${ms(bs[k].p10)} – ${ms(bs[k].p90)} | ${ms(s[k].median)} | ${ms(s[k].p10)} – ${ms(s[k].p90)} |`);
      L.push('', 'In a revision before b5b0fb4, "the wasm unpacked to bytes" is its Latin-1 string literal turned into bytes (`btoa` +',
        '`Uint8Array.fromBase64`), with nothing to inflate.');
    } else {
      L.push('| phase | median | p10 | p90 | min | max |', '| --- | ---: | ---: | ---: | ---: | ---: |');
      for (const [name, k] of phases) L.push(`| ${name} | ${ms(s[k].median)} | ${ms(s[k].p10)} | ${ms(s[k].p90)} | ${ms(s[k].min)} | ${ms(s[k].max)} |`);
    }
    L.push('', `Budget ≤ 5 ms median to running: **${verdict(s.pass)}**. Awaited \`init\` no slower than the reference's ${ms(s.initBarMs)}: **${verdict(s.initPass)}**.`, '');
  }
  if (!s) keep('startup');
  if (r.startupReal) L.push(...renderStartupReal(r.startupReal));
  else keep('startup-real');
  if (r.native || r.boundary) {
    L.push('## 3. Decision time', '');
    L.push('Reproduce: `cargo bench --bench decisions` (native) and `node bench/run.mjs --only=boundary --no-build` (browser); both: `node bench/run.mjs --only=decisions,boundary`.', '');
    L.push('State for N tasks (standby mode, no call limit), built by a simulated Flex page that carries out every command and feeds',
      'its consequences back (the scenario tests\' `tests/common/mod.rs`, shared with the benchmark, and its port in',
      '`bench/pages/boundary.js`): min(N, 10) accepted call tasks each with a live call (the oldest on Flex\'s Device, the others on',
      'extra Devices, one idle standby registered), and N − min(N, 10) other tasks, alternately assigned chats and wrapping call',
      'tasks. Events: **select** = `TaskSelected` alternating between the two newest calls\' tasks; **unhold** = `Unholding`',
      '(beforeUnholdCall) alternating the same way; **accept** = `AcceptingTask` (beforeAcceptTask) of one more reserved call task',
      '(the call then opens, the oldest call is hung up and its task removed, so the state stays the same); **ended** = `CallEnded`',
      'of the oldest live call in that same cycle. Only the probed event\'s call is timed, not the feedback or the restoring.', '');
    if (r.native) {
      L.push('### Native (criterion)', '', '`Engine::handle` for the one event, mean time per event (criterion, flat sampling, `iter_custom`); in brackets the fastest and slowest sample mean.', '');
      L.push(`| event | ${SIZES.map((n) => `${n} task${n > 1 ? 's' : ''}`).join(' | ')} |`, `| --- | ${SIZES.map(() => '---:').join(' | ')} |`);
      for (const e of EVENTS) L.push(`| ${e} | ${SIZES.map((n) => { const x = r.native[e][n]; return `${us(x.meanNs / 1000)} (${us(x.sampleMinNs / 1000)}–${us(x.sampleMaxNs / 1000)})`; }).join(' | ')} |`);
      L.push('');
    }
    const b = r.boundary;
    if (b) {
      const bb = b4?.boundary;
      L.push('### Through the wasm boundary (headless Chromium)', '');
      L.push('One sample = one event through the wasm-bindgen `Plugin` exactly as `js-shim/index.js` sends it: a plain `{ type, ...fields }`',
        'object (a task\'s event carries plain participant copies) handed to `handle(event)`, which reads it with js-sys, runs the',
        'decision and returns the commands as an array of objects (serde-wasm-bindgen). The engine\'s timers are armed inside the',
        'binding (gloo-timers) and come back through the `wake` function given to `new Plugin(wake)`, untimed. The wasm is the file',
        'the bundle embeds (`target/bindgen/multi_call_bg.wasm`, loaded with its glue as an ES module, because the classic-script',
        'bundle exposes nothing). Not included: the shim\'s own JavaScript around the call (snapshot copying from Flex\'s getters,',
        `carrying the commands out) and Flex's action pipeline. ${b.samples} samples per cell after a warm-up; \`performance.now()\` resolution ${b.timerResolutionUs.toFixed(0)} µs`,
        '(cross-origin isolated page), so single samples are quantised: the figure is the mean of the fastest 99% of samples (the slowest 1% are GC pauses and',
        'scheduler hiccups, shown in p99 and max), which averages the jittered 5 µs clamping out.', '');
      L.push(`| event | ${SIZES.map((n) => `${n} task${n > 1 ? 's' : ''}: mean / p99 / max`).join(' | ')} |`, `| --- | ${SIZES.map(() => '---:').join(' | ')} |`);
      for (const e of [...EVENTS, 'taskChanged']) {
        if (!b.events[e]) continue;
        L.push(`| ${e}${e === 'taskChanged' ? ' (extra: a task snapshot after a store change)' : ''} | ${SIZES.map((n) => { const x = b.events[e][n]; return `${us(x.trimmedMean)} / ${us(x.p99)} / ${us(x.max)}`; }).join(' | ')} |`);
      }
      L.push('', `Budget ≤ 50 µs per event at 50 tasks (99% trimmed mean of each of the four events): **${verdict(b.pass)}**.`, '');
      if (b.afterIdle) L.push(...renderAfterIdle(b.afterIdle));
      if (bb) {
        L.push(`#### Before (${b4.commit}) and now, same run`, '');
        L.push(`The same cells, 99% trimmed mean, before → now; the two builds took turns cell by cell in one page. \`${b4.commit}\` is driven`,
          ...(bb.boundary === 'json'
            ? ['through its own boundary, as its shim drove it: the event `JSON.stringify`d into `handle`, the commands returned as JSON text',
              'and `JSON.parse`d (both timed), timers armed by the page from `startTimer` commands (untimed).', '']
            : ['through the same boundary as now.', '']));
        L.push(`| event | ${SIZES.map((n) => `${n} task${n > 1 ? 's' : ''}`).join(' | ')} |`, `| --- | ${SIZES.map(() => '---:').join(' | ')} |`);
        for (const e of [...EVENTS, 'taskChanged']) {
          if (!b.events[e] || !bb.events[e]) continue;
          L.push(`| ${e} | ${SIZES.map((n) => `${us(bb.events[e][n].trimmedMean)} → ${us(b.events[e][n].trimmedMean)}`).join(' | ')} |`);
        }
        L.push('');
      }
    }
  }
  if (!r.native && !r.boundary) keep('decisions');
  if (r.listeners) L.push(...renderListeners(r.listeners));
  else keep('listeners');
  if (r.switching) L.push(...renderSwitching(r.switching));
  else keep('switching');
  if (r.secondCall) L.push(...renderSecondCall(r.secondCall));
  else keep('second-call');
  if (r.memory) L.push(...renderMemory(r.memory));
  else keep('memory');
  const c = r.calls;
  if (!c && keptSection('calls')) {
    keep('calls');
  } else {
    L.push('## 4. Crosstalk and 5. second-call latency (sandbox, real Voice SDK, real media)', '');
    L.push('Reproduce: `node bench/run.mjs --only=calls --no-build` (starts the sandbox itself in a fresh network namespace, `unshare -rn`, as the e2e tests do).', '');
    if (!c || c.error) {
      L.push(`**Not measured** in this run${c && c.error ? ` (the sandbox benchmark failed: ${c.error})` : ''}.`, '');
    } else {
      L.push(...(c.markdown || []), '');
    }
  }
  return L.join('\n') + '\n';
}
