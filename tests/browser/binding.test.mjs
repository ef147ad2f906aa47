// The wasm binding reads the shim's events with js-sys, one typed read per
// field where it can (src/wasm/read.rs), and its glue builds short ASCII
// strings itself (scripts/build.mjs): odd payloads must still get the
// decoder's own error naming the field, and every string must come back out
// exactly as it went in. Runs in Node on the built wasm (target/bindgen): the
// same V8 as Chromium, and no Flex is involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './harness.mjs';

const glue = path.join(ROOT, 'target', 'bindgen', 'multi_call.js');
const wasmFile = path.join(ROOT, 'target', 'bindgen', 'multi_call_bg.wasm');
const skip = !(fs.existsSync(glue) && fs.existsSync(wasmFile)) && 'target/bindgen not built (node scripts/build.mjs)';

async function engine() {
  const { initSync, Plugin } = await import(glue);
  initSync({ module: new WebAssembly.Module(fs.readFileSync(wasmFile)) });
  const plugin = new Plugin(() => {});
  const started = plugin.handle({ type: 'start', feature: { enabled: true, mode: 'standby' }, flexVersion: '2.17.1', sdkVersion: '2.11.1', deviceClass: true, allowIncomingWhileBusy: false });
  assert.ok(started.some((c) => c.type === 'enable'), `multi-call did not enable: ${JSON.stringify(started)}`);
  return plugin;
}

/** The one error a malformed event gets, or undefined when it was read. */
const rejection = (plugin, event) => {
  const out = plugin.handle(event);
  const errors = out.filter((c) => c.type === 'log' && c.level === 'error');
  if (!errors.length) return undefined;
  assert.equal(out.length, 1, `a malformed event runs nothing: ${JSON.stringify(out)}`);
  return errors[0].message.replace(/^ignored a malformed event: /, '');
};

test('odd payloads: each is refused with the field that was wrong, and the engine keeps working', { skip }, async () => {
  const plugin = await engine();
  const throwing = { type: 'unholding' };
  Object.defineProperty(throwing, 'task', { get() { throw new Error('getter fails'); }, enumerable: true });
  const cases = [
    [42, 'event is not an object'],
    ['taskSelected', 'event is not an object'],
    [null, 'event is not an object'],
    [[{ type: 'taskSelected' }], 'event is not an object'],
    [{}, 'event has no "type" string'],
    [{ type: 5 }, 'event has no "type" string'],
    [{ type: 'taskChanged', sid: 7, isCall: true, status: 'assigned', participants: [] }, 'taskChanged.sid must be a string'],
    [{ type: 'taskChanged', sid: 'WR1', isCall: 'yes', status: 'assigned', participants: [] }, 'taskChanged.isCall must be true or false'],
    [{ type: 'taskChanged', sid: 'WR1', isCall: true, status: 'assigned', participants: 'none' }, 'taskChanged.participants must be an array'],
    [{ type: 'taskChanged', sid: 'WR1', isCall: true, status: 'assigned', participants: { 0: {} } }, 'taskChanged.participants must be an array'],
    [{ type: 'taskChanged', sid: 'WR1', isCall: true, status: 'assigned', participants: [5] }, 'participants[0] must be an object'],
    [{ type: 'taskChanged', sid: 'WR1', isCall: true, status: 'assigned', participants: [{ callSid: 'CA1' }, []] }, 'participants[1] must be an object'],
    [{ type: 'taskChanged', sid: 'WR1', isCall: true, status: 'assigned', participants: [{ callSid: 12 }] }, 'participants[0].callSid must be a string'],
    [{ type: 'taskChanged', sid: 'WR1', isCall: true, status: 'assigned', participants: [{ callSid: 'CA1', onHold: 1 }] }, 'participants[0].onHold must be true or false'],
    [{ type: 'callIncoming', device: -1, call: 'CA1', busy: false }, 'callIncoming.device must be a whole number from 0 to 4294967295'],
    [{ type: 'callIncoming', device: 1.5, call: 'CA1', busy: false }, 'callIncoming.device must be a whole number from 0 to 4294967295'],
    [{ type: 'callIncoming', device: '1', call: 'CA1', busy: false }, 'callIncoming.device must be a whole number from 0 to 4294967295'],
    [{ type: 'callIncoming', device: 2 ** 32, call: 'CA1', busy: false }, 'callIncoming.device must be a whole number from 0 to 4294967295'],
    [{ type: 'callMuted', device: 0, call: 'CA1', muted: 'yes' }, 'callMuted.muted must be true or false'],
    [{ type: 'callEnded', device: 0 }, 'callEnded.call must be a string'],
    [throwing, 'unholding.task must be a string'],
    // Read, not refused: absent and null fields take their defaults.
    [{ type: 'taskSelected', task: null }, undefined],
    [{ type: 'taskSelected' }, undefined],
    [{ type: 'taskChanged', sid: 'WR2', isCall: null, participants: null }, undefined],
    [{ type: 'taskChanged', sid: 'WR3', isCall: true, status: 'assigned', participants: [{ callSid: 'CA3', workerSid: null, participantType: 'customer', status: 'joined', sequenceNumber: 'x' }] }, undefined],
  ];
  cases.forEach(([event, why], i) => assert.equal(rejection(plugin, event), why, `case ${i}`));
  // Still working: a task's call is found and selected.
  plugin.handle({ type: 'taskChanged', sid: 'WR9', isCall: true, status: 'assigned', participants: [{ callSid: 'CA9', participantType: 'worker', status: 'joined', isCurrentWorker: true }] });
  plugin.handle({ type: 'callIncoming', device: 0, call: 'CA9', busy: false });
  plugin.handle({ type: 'callAccepted', device: 0, call: 'CA9' });
  const selected = plugin.handle({ type: 'taskSelected', task: 'WR9' });
  assert.ok(!selected.some((c) => c.type === 'log' && c.level === 'error'), JSON.stringify(selected));
});

test('strings come out of the wasm exactly: short ASCII, long, and not ASCII', { skip }, async () => {
  const plugin = await engine();
  for (const name of ['x', 'notAnEvent', 'a'.repeat(64), 'b'.repeat(65), `CA${'0123456789abcdef'.repeat(2)}`, 'tâche', 'call 📞', '\u0000\u007f']) {
    assert.equal(rejection(plugin, { type: name }), `unknown event type "${name}"`);
  }
  // A sid goes in and comes back in a command unchanged.
  const sid = 'CAé-ü-0001';
  plugin.handle({ type: 'taskChanged', sid: 'WRé', isCall: true, status: 'assigned', participants: [{ callSid: sid, participantType: 'worker', status: 'joined', isCurrentWorker: true }] });
  const out = [
    ...plugin.handle({ type: 'callIncoming', device: 0, call: sid, busy: false }),
    ...plugin.handle({ type: 'callAccepted', device: 0, call: sid }),
    ...plugin.handle({ type: 'taskSelected', task: 'WRé' }),
  ];
  assert.deepEqual(out.filter((c) => c.type === 'setActiveCall'), [{ type: 'setActiveCall', call: sid }], JSON.stringify(out));
});
