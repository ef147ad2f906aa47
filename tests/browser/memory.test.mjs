// The wasm's memory over a long day: 40,000 calls taken and ended (360,000
// events through the same `handle` the shim uses) must not grow the heap.
// Runs in Node on the built wasm (target/bindgen), no browser needed.
// Why no Flex at all: it measures the wasm heap alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.mjs';

const glue = path.join(ROOT, 'target', 'bindgen', 'multi_call.js');
const wasmFile = path.join(ROOT, 'target', 'bindgen', 'multi_call_bg.wasm');
const skip = !(fs.existsSync(glue) && fs.existsSync(wasmFile)) && 'target/bindgen not built (node scripts/build.mjs)';

test('40,000 calls in standby mode: the wasm heap stays the size it was after the first thousand', { skip, timeout: 60000 }, async () => {
  const { initSync, Plugin } = await import(glue);
  const exports = initSync({ module: new WebAssembly.Module(fs.readFileSync(wasmFile)) });
  // The build shortens export names (scripts/build.mjs): find the memory by what it is.
  const memory = Object.values(exports).find((x) => x instanceof WebAssembly.Memory);
  assert.ok(memory, 'the wasm exports no memory');
  // Engine timers fire through `wake`, as in the shim.
  const plugin = new Plugin((e) => carry(send(e)));
  const send = (e) => plugin.handle(e);
  const seen = { createDevice: 0, destroyDevice: 0, setActiveCall: 0 };
  const carry = (cmds) => {
    for (const c of cmds) {
      if (c.type === 'log' && c.level === 'error') throw new Error(c.message);
      if (c.type in seen) seen[c.type] += 1;
      if (c.type === 'createDevice' && c.register) carry(send({ type: 'deviceRegistered', device: c.device }));
    }
  };
  const started = send({ type: 'start', feature: { enabled: true, mode: 'standby' }, flexVersion: '2.17.1', sdkVersion: '2.11.1', deviceClass: true, allowIncomingWhileBusy: false });
  assert.ok(started.some((c) => c.type === 'enable'), `multi-call did not enable: ${JSON.stringify(started)}`);
  carry(started);
  const task = (sid, status, participants) => carry(send({ type: 'taskChanged', sid, isCall: true, status, participants }));
  let settled;
  for (let i = 0; i < 40000; i++) {
    const sid = `WR${i}`, call = `CA${i}`, customer = { callSid: `CC${i}`, participantType: 'customer', status: 'joined', sequenceNumber: 1 };
    task(sid, 'reserved', [customer]);
    carry(send({ type: 'acceptingTask', task: sid, isCall: true }));
    carry(send({ type: 'callIncoming', device: 0, call, busy: false }));
    carry(send({ type: 'callAccepted', device: 0, call }));
    task(sid, 'assigned', [customer, { callSid: call, workerSid: 'WK1', participantType: 'worker', status: 'joined', isCurrentWorker: true, sequenceNumber: 2 }]);
    carry(send({ type: 'taskSelected', task: sid }));
    carry(send({ type: 'callEnded', device: 0, call }));
    task(sid, 'wrapping', []);
    carry(send({ type: 'taskRemoved', task: sid }));
    if (i === 1000) settled = memory.buffer.byteLength;
  }
  assert.equal(memory.buffer.byteLength, settled, `heap grew from ${settled} to ${memory.buffer.byteLength} bytes`);
  // The engine really worked each call: a standby Device per call on Flex's
  // busy Device, destroyed when the call ended, and the active call set.
  assert.equal(seen.createDevice, 40000, JSON.stringify(seen));
  assert.equal(seen.destroyDevice, 40000, JSON.stringify(seen));
  assert.ok(seen.setActiveCall >= 40000, JSON.stringify(seen));
});
