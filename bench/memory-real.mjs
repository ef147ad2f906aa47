// Benchmark 8, memory in a long-lived real-Flex page: the page's JavaScript
// heap (after a forced garbage collection) and the Voice SDK Devices still
// alive, sampled while calls come and go, in the real Flex UI against the
// local Twilio. With multi-call (standby mode) each cycle is a call
// (accepted), a second call transferred in while on it (answered on an extra
// Device), then both customers hang up and Flex completes both tasks; stock
// Flex (multi-call off, `mode: 'off'`), the baseline, takes the same calls
// one at a time (every other one inbound, the rest transferred in from
// another agent, as in multi-call's page), so what Flex itself keeps per
// call is seen apart.
// Peer connections are counted too: Chromium refuses to make a page's 501st
// RTCPeerConnection that has not been garbage-collected ("Cannot create so
// many PeerConnections"), and every call is one, so a page that keeps its
// ended calls reachable stops taking calls there.
import { stats } from './lib.mjs';

/** Counts the page's RTCPeerConnections: made, collected (FinalizationRegistry) and not closed. */
const PEER_COUNTER = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  let made = 0, collected = 0;
  const refs = [];
  const gone = new FinalizationRegistry(() => { collected += 1; });
  window.RTCPeerConnection = class RTCPeerConnection extends Native {
    constructor(...args) { super(...args); made += 1; gone.register(this, 0); refs.push(new WeakRef(this)); }
  };
  window.peerConnections = () => ({ made, alive: made - collected, open: refs.filter((r) => r.deref() && r.deref().signalingState !== 'closed').length });
})();`;

/** `calls` calls in one page (a sample every `every` calls); stops early, and says why, when a call cannot be taken. */
export async function memoryInRealFlex({ calls = 100, every = 20, mode = 'standby' } = {}) {
  const { openFlex, inbound, transferred, endCall } = await import('../tests/real-flex/harness.mjs');
  const s = await openFlex({ mode, initScripts: [{ content: PEER_COUNTER }] });
  const cdp = await s.context.newCDPSession(s.flex);
  await cdp.send('HeapProfiler.enable');
  const sample = async (n) => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    // Finalizers run after the collection, on a later task.
    const { devices, peers } = await s.flex.evaluate(() => new Promise((r) => setTimeout(r, 100))
      .then(() => ({ devices: window.probe.devices().filter((d) => d.state !== 'destroyed').length, peers: window.peerConnections() })));
    return { calls: n, heapMB: usedSize / 2 ** 20, devices, peers };
  };
  const samples = [];
  let stopped;
  try {
    samples.push(await sample(0));
    const perCycle = mode === 'off' ? 1 : 2;
    const say = (x) => console.error(`memory, ${mode === 'off' ? 'stock Flex' : mode}: ${x.calls} calls, heap ${x.heapMB.toFixed(1)} MB, ` +
      `${x.devices} Devices alive, peer connections ${x.peers.made} made / ${x.peers.alive} not collected / ${x.peers.open} open`);
    for (let n = 0; n < calls; n += perCycle) {
      try {
        if (perCycle === 2) {
          const a = await inbound(s, `Caller ${n + 1}`);
          await endCall(s, await transferred(s, `Caller ${n + 2}`));
          await endCall(s, a);
        } else {
          // Stock Flex takes the same two kinds of call, one at a time.
          await endCall(s, n % 2 ? await transferred(s, `Caller ${n + 1}`) : await inbound(s, `Caller ${n + 1}`));
        }
      } catch (e) {
        // A finding, not a failed benchmark: how far the page got, and what it then held.
        stopped = { afterCalls: n, why: e.message.split('\n').slice(0, 3).join(' ') };
        samples.push({ ...(await sample(n)), stopped: true });
        say(samples.at(-1));
        console.error(`memory, ${mode}: stopped after ${n} calls: ${stopped.why}`);
        break;
      }
      if ((n + perCycle) % every === 0) {
        samples.push(await sample(n + perCycle));
        say(samples.at(-1));
      }
    }
  } finally {
    await s.close();
  }
  // The trend after the first sample past warm-up.
  return { mode, calls, samples, stopped, heapMBPer100Calls: trend(samples.slice(2)), devices: stats(samples.slice(1).map((x) => x.devices)),
    ...(mode === 'off' ? { transfersToo: true } : {}) };
}

/** The heap's least-squares trend over `samples`, in MB per 100 calls. */
function trend(samples) {
  const mean = (f) => samples.reduce((t, x) => t + f(x), 0) / samples.length;
  const mx = mean((x) => x.calls);
  const my = mean((x) => x.heapMB);
  return samples.length > 1 ? (100 * samples.reduce((t, x) => t + (x.calls - mx) * (x.heapMB - my), 0)) / samples.reduce((t, x) => t + (x.calls - mx) ** 2, 0) : NaN;
}

/** BENCHMARKS.md's section for this benchmark (lines). */
export function renderMemory(mem) {
  const L = ['## 8. Memory in a long-lived real-Flex page (issue 13)', ''];
  L.push('Reproduce: `node bench/run.mjs --only=memory --no-build` (`--memory-calls=1000` for a day\'s worth; about 2 s per call).', '');
  if (mem.error) return [...L, `**Not measured** in this run: ${mem.error}.`, ''];
  L.push(`One real-Flex page (${mem.mode} mode) against the local Twilio takes ${mem.calls} calls, two at a time: a call, a second one transferred`,
    'in while on it (on an extra Device), then both customers hang up and Flex completes both tasks. Sampled after a forced garbage',
    'collection (DevTools protocol `HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`): the page\'s JavaScript heap (Flex\'s and',
    'the SDKs\' included; the wasm\'s own memory is the browser suite\'s 40,000-call test) and the Voice SDK Devices not destroyed.');
  const stock = mem.stock && !mem.stock.error ? mem.stock : null;
  L.push(stock ? `The baseline: stock Flex (multi-call off) in a page of its own${stock.sameRun ? ' (its own browser and local Twilio, right after multi-call\'s page in the same run)' : ''} takes ${stock.calls === mem.calls ? 'as many calls' : `${stock.calls} calls`}, one at a time${stock.transfersToo ? ' (every other one transferred in, as in multi-call\'s page)' : ' (all of them inbound: no transfers, unlike multi-call\'s page, whose every other call is transferred in)'}, sampled the same way` +
    `${stock.measuredBy ? ` (${stock.measuredBy})` : ''}.` : 'No stock-Flex baseline in this run.', '');
  L.push('Peer connections: made in the page, not yet garbage-collected (Chromium makes no more than 500 of those), and not closed.', '');
  const peers = (x) => (x?.peers ? `${x.peers.made} / ${x.peers.alive} / ${x.peers.open}` : '–');
  L.push('| calls | heap, multi-call | Devices alive | peer connections made / not collected / open | heap, stock Flex | stock Flex: peer connections |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |');
  const rows = [...new Set([...mem.samples, ...(stock?.samples || [])].map((x) => x.calls))].sort((a, b) => a - b);
  for (const n of rows) {
    const x = mem.samples.find((y) => y.calls === n);
    const base = stock?.samples.find((y) => y.calls === n);
    L.push(`| ${n} | ${x ? `${x.heapMB.toFixed(1)} MB` : '–'} | ${x ? x.devices : '–'} | ${peers(x)} | ${base ? `${base.heapMB.toFixed(1)} MB` : '–'} | ${peers(base)} |`);
  }
  for (const [who, run] of [['multi-call', mem], ['stock Flex', stock]]) {
    if (run?.stopped) L.push('', `**${who} stopped after ${run.stopped.afterCalls} calls**: ${run.stopped.why}`);
  }
  if (mem.note) L.push('', `Note: ${mem.note}.`);
  const last = mem.samples.at(-1);
  const baseLast = stock?.samples.find((y) => y.calls === last.calls);
  if (baseLast) L.push('', `At ${last.calls} calls the heap is ${Math.abs(last.heapMB - baseLast.heapMB).toFixed(1)} MB ${last.heapMB >= baseLast.heapMB ? 'above' : 'below'} stock Flex's.`);
  L.push('', `Trend from the third sample on (least squares): **${mem.heapMBPer100Calls.toFixed(2)} MB per 100 calls** with multi-call; ` +
    (stock ? `**${stock.heapMBPer100Calls.toFixed(2)} MB per 100 calls** in stock Flex.` : `stock Flex not measured${mem.stock?.error ? ` (${mem.stock.error})` : ''}.`));
  // A page's first large collection comes at a different sample in each page
  // and bends the trend above; the second half of the run has none of them.
  const half = (x) => x.samples.filter((y) => y.calls >= x.calls / 2 && !y.stopped);
  if (stock && half(mem).length > 2 && half(stock).length > 2) {
    L.push(`Over the second half of the run (from ${mem.calls / 2} calls): ${trend(half(mem)).toFixed(2)} MB per 100 calls with multi-call, ${trend(half(stock)).toFixed(2)} in stock Flex.`);
  }
  L.push('');
  return L;
}
