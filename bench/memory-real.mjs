// Benchmark 8, memory in a long-lived real-Flex page: the page's JavaScript
// heap (after a forced garbage collection) and the Voice SDK Devices still
// alive, sampled while calls come and go, in the real Flex UI against the
// local Twilio. With multi-call (standby mode) each cycle is a call
// (accepted), a second call transferred in while on it (answered on an extra
// Device), then both customers hang up and Flex completes both tasks; stock
// Flex (multi-call off, `mode: 'off'`), the baseline, takes the same number of
// calls one at a time, so what Flex itself keeps per call is seen apart.
import { stats } from './lib.mjs';

/** `calls` calls in one page (a sample every `every` calls). */
export async function memoryInRealFlex({ calls = 100, every = 20, mode = 'standby' } = {}) {
  const { openFlex, inbound, transferred, until } = await import('../tests/real-flex/harness.mjs');
  const s = await openFlex({ mode });
  const cdp = await s.context.newCDPSession(s.flex);
  await cdp.send('HeapProfiler.enable');
  const sample = async (n) => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const devices = await s.flex.evaluate(() => window.probe.devices().filter((d) => d.state !== 'destroyed').length);
    return { calls: n, heapMB: usedSize / 2 ** 20, devices };
  };
  const samples = [];
  try {
    samples.push(await sample(0));
    const end = async (c) => {
      await s.customer.evaluate((sid) => window.customerPanel.hangup(sid), c.callSid);
      await until(async () => (await s.state()).tasks.find((t) => t.sid === c.reservationSid)?.status === 'wrapping', { what: 'the call in wrap-up' });
      await s.invoke('CompleteTask', { sid: c.reservationSid });
      await until(async () => !(await s.state()).tasks.some((t) => t.sid === c.reservationSid), { what: 'the task gone' });
    };
    const perCycle = mode === 'off' ? 1 : 2;
    for (let n = 0; n < calls; n += perCycle) {
      const a = await inbound(s, `Caller ${n + 1}`);
      if (perCycle === 2) await end(await transferred(s, `Caller ${n + 2}`));
      await end(a);
      if ((n + perCycle) % every === 0) {
        samples.push(await sample(n + perCycle));
        const x = samples.at(-1);
        console.error(`memory, ${mode === 'off' ? 'stock Flex' : mode}: ${x.calls} calls, heap ${x.heapMB.toFixed(1)} MB, ${x.devices} Devices alive`);
      }
    }
  } finally {
    await s.close();
  }
  // The trend after the first sample past warm-up: least squares, MB per 100 calls.
  const tail = samples.slice(2);
  const mean = (f) => tail.reduce((t, x) => t + f(x), 0) / tail.length;
  const mx = mean((x) => x.calls);
  const my = mean((x) => x.heapMB);
  const slope = tail.length > 1 ? tail.reduce((t, x) => t + (x.calls - mx) * (x.heapMB - my), 0) / tail.reduce((t, x) => t + (x.calls - mx) ** 2, 0) : NaN;
  return { mode, calls, samples, heapMBPer100Calls: slope * 100, devices: stats(samples.slice(1).map((x) => x.devices)) };
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
  L.push(stock ? `The baseline: stock Flex (multi-call off) in a page of its own takes ${stock.calls === mem.calls ? 'as many calls' : `${stock.calls} calls`}, one at a time, sampled the same way` +
    `${stock.measuredBy ? ` (${stock.measuredBy})` : ''}.` : 'No stock-Flex baseline in this run.', '');
  L.push('| calls | heap, multi-call | Devices alive | heap, stock Flex |', '| ---: | ---: | ---: | ---: |');
  for (const x of mem.samples) {
    const base = stock?.samples.find((y) => y.calls === x.calls);
    L.push(`| ${x.calls} | ${x.heapMB.toFixed(1)} MB | ${x.devices} | ${base ? `${base.heapMB.toFixed(1)} MB` : '–'} |`);
  }
  if (mem.note) L.push('', `Note: ${mem.note}.`);
  L.push('', `Trend from the third sample on (least squares): **${mem.heapMBPer100Calls.toFixed(2)} MB per 100 calls** with multi-call; ` +
    (stock ? `**${stock.heapMBPer100Calls.toFixed(2)} MB per 100 calls** in stock Flex.` : `stock Flex not measured${mem.stock?.error ? ` (${mem.stock.error})` : ''}.`), '');
  return L;
}
