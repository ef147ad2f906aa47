// What a long-lived real-Flex page keeps per call, by constructor: a heap
// snapshot after A call cycles and another after B, and what grew between
// them (count and bytes, largest first). A cycle is the memory benchmark's
// (bench/memory-real.mjs): a call, a second transferred in while on it (stock
// Flex, mode 'off': one call), both ended and completed.
//   node bench/heap-census.mjs [A=10] [B=40] [standby|forward|off]
import { openFlex, inbound, transferred, endCall } from '../tests/real-flex/harness.mjs';
const A = Number(process.argv[2] || 10), B = Number(process.argv[3] || 40), MODE = process.argv[4] || 'standby';
const s = await openFlex({ mode: MODE });
const cdp = await s.context.newCDPSession(s.flex);
await cdp.send('HeapProfiler.enable');
const census = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  await new Promise((r) => setTimeout(r, 300));
  await cdp.send('HeapProfiler.collectGarbage');
  let chunks = [];
  const on = (m) => chunks.push(m.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', on);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', on);
  const snap = JSON.parse(chunks.join('')); chunks = null;
  const f = snap.snapshot.meta.node_fields; const nf = f.length;
  const types = snap.snapshot.meta.node_types[0];
  const ti = f.indexOf('type'), ni = f.indexOf('name'), si = f.indexOf('self_size');
  const out = new Map();
  for (let i = 0; i < snap.nodes.length; i += nf) {
    const type = types[snap.nodes[i + ti]];
    const key = `${type}:${type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '(str)' : snap.strings[snap.nodes[i + ni]].slice(0, 60)}`;
    const e = out.get(key) || [0, 0]; e[0]++; e[1] += snap.nodes[i + si]; out.set(key, e);
  }
  return out;
};
let n = 0;
const cycles = async (k) => { for (let i = 0; i < k; i++) { const a = await inbound(s, `C${++n}`); if (MODE !== 'off') await endCall(s, await transferred(s, `C${++n}`)); await endCall(s, a); } };
await cycles(A);
const c1 = await census();
await cycles(B - A);
const c2 = await census();
const rows = [];
for (const [k, [cnt, size]] of c2) { const [c0, s0] = c1.get(k) || [0, 0]; if (cnt - c0 > 0) rows.push([k, cnt - c0, size - s0]); }
rows.sort((x, y) => y[2] - x[2]);
console.log(`after ${A} → ${B} cycles (${MODE}): growth by constructor (count, bytes)`);
for (const r of rows.slice(0, 45)) console.log(String(r[1]).padStart(7), String(r[2]).padStart(10), r[0]);
await s.close();
