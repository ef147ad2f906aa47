// The real Voice SDK against the sandbox gateway, without Flex: register,
// incoming, accept, two-way audio, a signaling drop, hangup from either side.
import { enterNetns, startSandbox, launchBrowser, until, offLoopback, testClient } from './harness.mjs';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

enterNetns();

let sandbox, browser, customer, agent;
const cmd = (msg) => sandbox.gateway.command(testClient, msg);

before(async () => {
  sandbox = await startSandbox();
  browser = await launchBrowser();
  customer = await browser.page(`${sandbox.url}/customer`, 'customer');
  agent = await browser.page(`${sandbox.url}/public/blank.html`, 'agent');
  await agent.addScriptTag({ url: '/vendor/twilio.js' });
  await agent.evaluate(async (port) => {
    const names = ['incoming', 'outgoing', 'disconnect', 'dtmf0', 'dtmf1', 'dtmf2', 'dtmf3', 'dtmf4', 'dtmf5', 'dtmf6', 'dtmf7', 'dtmf8', 'dtmf9', 'dtmfs', 'dtmfh'];
    const { token } = await (await fetch('/api/token?identity=alice')).json();
    const device = new Twilio.Device(token, {
      chunderw: `127.0.0.1:${port}`, publishEvents: false,
      sounds: Object.fromEntries(names.map((n) => [n, `/sounds/${n}.wav`])),
    });
    window.smoke = { device, calls: [], events: [] };
    device.on('error', (e) => smoke.events.push(`error ${e.code}`));
    device.on('incoming', (call) => {
      smoke.calls.push(call);
      smoke.volume = 0;
      call.on('volume', (input, output) => { smoke.volume += output; });
      for (const ev of ['accept', 'cancel', 'disconnect', 'reconnecting', 'reconnected']) call.on(ev, () => smoke.events.push(`${ev} ${call.parameters.CallSid}`));
    });
    await device.register();
  }, sandbox.port);
});

after(async () => {
  await browser?.close();
  await sandbox?.close();
});

async function incomingCall() {
  const callSid = await customer.evaluate(() => customerPanel.place('+15550001'));
  const task = [...sandbox.gateway.world.tasks.values()].find((t) => t.attributes.call_sid === callSid);
  await cmd({ type: 'task.accept', reservationSid: task.reservationSid });
  await until(() => agent.evaluate(() => smoke.calls.length > 0 && smoke.calls.at(-1).status() === 'pending'), { what: 'incoming' });
  await agent.evaluate(() => smoke.calls.at(-1).accept());
  await until(() => agent.evaluate(() => smoke.calls.at(-1).status() === 'open'), { what: 'call open' });
  return callSid;
}

test('register, accept, two-way audio, signaling drop, hangups', async () => {
  const callSid = await incomingCall();
  const heard = await customer.evaluate((sid) => customerPanel.measure(1500).then((m) => m[sid]), callSid);
  assert.ok(heard.energy > 1e-4, `customer hears the agent: ${JSON.stringify(heard)}`);
  await agent.evaluate(() => { smoke.volume = 0; });
  await new Promise((r) => setTimeout(r, 1000));
  const agentHeard = await agent.evaluate(() => smoke.volume);
  assert.ok(agentHeard > 1, `agent hears the customer: volume sum ${agentHeard}`);

  // Mute sends no signaling but stops the agent's audio at the far end.
  await agent.evaluate(() => smoke.calls.at(-1).mute(true));
  await new Promise((r) => setTimeout(r, 700)); // let the jitter buffer drain
  const muted = await customer.evaluate((sid) => customerPanel.measure(1500).then((m) => m[sid]), callSid);
  assert.ok(muted.energy < heard.energy / 50, `muted agent is silent: ${JSON.stringify({ muted, heard })}`);
  await agent.evaluate(() => smoke.calls.at(-1).mute(false));

  // A dropped signaling socket: the SDK reconnects and re-invites; the call survives.
  assert.ok(sandbox.gateway.dropSignaling('alice') >= 1);
  await until(() => agent.evaluate(() => smoke.events.some((e) => e.startsWith('reconnected'))), { what: 'reconnected', timeout: 20000 });
  assert.equal(await agent.evaluate(() => smoke.calls.at(-1).status()), 'open');
  const after = await customer.evaluate((sid) => customerPanel.measure(1500).then((m) => m[sid]), callSid);
  assert.ok(after.energy > 1e-4, `audio flows after the drop: ${JSON.stringify(after)}`);

  // The customer hangs up.
  await customer.evaluate((sid) => customerPanel.hangup(sid), callSid);
  await until(() => agent.evaluate(() => smoke.calls.at(-1).status() === 'closed'), { what: 'disconnect' });

  // The agent hangs up a second call: the customer's call ends.
  const second = await incomingCall();
  await agent.evaluate(() => smoke.calls.at(-1).disconnect());
  await until(() => customer.evaluate((sid) => customerPanel.calls().find((c) => c.sid === sid)?.status === 'completed', second), { what: 'customer call ended' });

  assert.deepEqual(offLoopback(browser.requests), []);
  // 31005 is the SDK reporting the socket we dropped on purpose.
  assert.deepEqual(await agent.evaluate(() => smoke.events.filter((e) => e.startsWith('error') && e !== 'error 31005')), []);
});
