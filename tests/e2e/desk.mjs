// Driving the sandbox as a person would: the customer panel places and
// transfers calls; the desktop's buttons accept, select, hold and hang up.
// Audio is measured at the far ends, never read from flags.
import { startSandbox, launchBrowser, until, testClient } from './harness.mjs';

/** Received energy per second: speech is ~1e-2 and above, silence ~0. */
export const AUDIBLE = 5e-3;
export const SILENT = 1e-3;

export async function openSandbox(mode) {
  const sandbox = await startSandbox();
  const browser = await launchBrowser();
  const customer = await browser.page(`${sandbox.url}/customer?mic=device`, 'customer');
  const desktop = await browser.page(`${sandbox.url}/desktop?mode=${mode}`, 'desktop');
  await until(() => desktop.evaluate(() => window.desktop?.devices().some((d) => d.state === 'registered')), { what: "Flex's Device registered", timeout: 20000 });
  const s = { sandbox, browser, customer, desktop, gateway: sandbox.gateway };
  s.close = async () => { await browser.close(); await sandbox.close(); };
  s.cmd = (msg) => sandbox.gateway.command(testClient, msg);
  return s;
}

const taskOf = (s, callSid) => [...s.gateway.world.tasks.values()]
  .filter((t) => t.attributes.call_sid === callSid && t.workerSid.startsWith('WKa')).at(-1);

/** The desktop's button on a task card. */
export async function click(s, reservationSid, action) {
  // One click event, not a mouse-down and -up: the debugging desktop rebuilds its
  // buttons on every change, and under load a rebuild between the two swallowed the click.
  await s.desktop.locator(`[data-task="${reservationSid}"] [data-action="${action}"]`).dispatchEvent('click');
}

/** Accept the reservation for this customer call and wait until the agent's leg is live. */
export async function accept(s, callSid) {
  const task = await until(() => taskOf(s, callSid), { what: 'task offered' });
  await until(() => s.desktop.locator(`[data-task="${task.reservationSid}"] [data-action="accept"]`).count(), { what: 'task on desktop' });
  await click(s, task.reservationSid, 'accept');
  const leg = await until(() => [...s.gateway.legs.values()].find((l) => l.customerCallSid === callSid && l.kind === 'agent' && l.state === 'answered'), { what: `agent leg answered for ${callSid}` });
  await until(() => s.desktop.evaluate((sid) => desktop.calls().some((c) => c.callSid === sid && c.status === 'open'), leg.callSid), { what: 'call open on a Device' });
  return { callSid, reservationSid: task.reservationSid, taskSid: task.sid, leg: leg.callSid };
}

/** A customer calls the queue; the agent accepts. */
export async function inbound(s, from) {
  const callSid = await s.customer.evaluate((f) => customerPanel.place(f, 'alice'), from);
  return accept(s, callSid);
}

/** A customer talks to Bob, who transfers the call to (busy) Alice; she accepts. */
export async function transferred(s, from) {
  const callSid = await s.customer.evaluate((f) => customerPanel.place(f, 'bob'), from);
  await s.customer.evaluate((sid) => customerPanel.transfer(sid), callSid);
  return accept(s, callSid);
}

export const onHold = (s, callSid) => s.gateway.world.customerOnHold(s.gateway.world.calls.get(callSid));
export const calls = (s) => s.desktop.evaluate(() => desktop.calls());
/** A forwarded call appears twice (cancelled on Flex's Device, open on the new one): prefer the live one. */
export const callInfo = async (s, leg) => {
  const same = (await calls(s)).filter((c) => c.callSid === leg);
  return same.find((c) => c.status !== 'closed') || same.at(-1);
};
export const settle = (ms = 800) => new Promise((r) => setTimeout(r, ms));

/** Console output of both pages, for failure reports. */
export const consoleOf = (s) => [...s.desktop.consoleLog, ...s.customer.consoleLog].join('\n');
