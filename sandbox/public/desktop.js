// The mini agent desktop: the Flex double, the real Voice SDK as Flex's own
// Device, and the plugin bundle loaded as Flex loads it. Everything the page
// shows is read from Flex's state and the SDK's own objects.
import { connectControl, h } from './control.js';
import { createFlex } from './flex-adapter.js';

const SOUNDS = ['incoming', 'outgoing', 'disconnect', 'dtmf0', 'dtmf1', 'dtmf2', 'dtmf3', 'dtmf4',
  'dtmf5', 'dtmf6', 'dtmf7', 'dtmf8', 'dtmf9', 'dtmfs', 'dtmfh'];

/** The mode switch: each mode is a Flex configuration (ui_attributes). */
const MODES = {
  standby: { label: 'Standby', multiCall: { enabled: true, mode: 'standby' }, allowIncomingWhileBusy: false },
  forward: { label: 'Forward', multiCall: { enabled: true, mode: 'forward' }, allowIncomingWhileBusy: true },
  off: { label: 'Off (stock Flex)', multiCall: { enabled: false }, allowIncomingWhileBusy: true },
  // Cannot work: standby needs Flex's Device to ignore busy invites. The plugin must say so.
  misconfigured: { label: 'Misconfigured', multiCall: { enabled: true, mode: 'standby' }, allowIncomingWhileBusy: true, hidden: true },
};
const params = new URLSearchParams(location.search);
const modeName = MODES[params.get('mode')] ? params.get('mode') : 'standby';
const mode = MODES[modeName];

const configuration = {
  custom_data: { features: { multi_call: { ...mode.multiCall, ...(params.get('max') ? { max_calls: Number(params.get('max')) } : {}) } } },
  sdkOptions: {
    voice: {
      // chunderw points the SDK at the sandbox gateway (wss://HOST:PORT/signal).
      chunderw: location.host,
      publishEvents: false,
      sounds: Object.fromEntries(SOUNDS.map((n) => [n, `/sounds/${n}.wav`])),
      allowIncomingWhileBusy: mode.allowIncomingWhileBusy,
      logLevel: 'warn',
    },
  },
};

// ── every Device and Call on the page ────────────────────────────────────
// Flex's Device is an instrumented subclass of the SDK's Device: the plugin
// builds its extra Devices from the same class, so the page sees them too.
const devices = [];
const calls = [];
const events = []; // every Call event with its time, so tests can check the order of things

class Device extends window.Twilio.Device {
  constructor(...args) {
    super(...args);
    this.label = devices.length === 0 ? "Flex's Device" : `extra Device ${devices.length}`;
    this.destroyed = false;
    devices.push(this);
    this.on('incoming', (call) => track(call, this));
    this.on('destroyed', () => { this.destroyed = true; render(); });
    for (const ev of ['registered', 'unregistered', 'error']) this.on(ev, () => render());
  }
  async connect(options) {
    const call = await super.connect(options);
    track(call, this);
    return call;
  }
  destroy() { this.destroyed = true; super.destroy(); render(); }
}

function track(call, device) {
  const entry = { call, device, heard: 0, sent: 0, level: 0, sendLevel: 0, volumeEvents: 0 };
  calls.push(entry);
  call.on('volume', (input, output) => {
    entry.heard += output; entry.sent += call.isMuted() ? 0 : input; entry.volumeEvents++;
    entry.level = output; entry.sendLevel = call.isMuted() ? 0 : input;
    // The first audio the agent hears on this call (tests order mutes against it).
    if (output > 0.01 && !entry.audioAt) {
      entry.audioAt = performance.now();
      events.push({ t: entry.audioAt, ev: 'audio', callSid: sidOf(call) });
    }
  });
  for (const ev of ['accept', 'cancel', 'disconnect', 'reject', 'mute', 'reconnecting', 'reconnected']) {
    call.on(ev, (arg) => { events.push({ t: performance.now(), ev, callSid: sidOf(call), muted: ev === 'mute' ? arg : undefined }); render(); });
  }
  render();
}

const sidOf = (call) => call?.parameters?.CallSid;
const liveCalls = () => calls.filter((e) => e.call.status() !== 'closed');
const reservationOf = (call) => call.customParameters?.get?.('reservationSid');

// ── Flex ──────────────────────────────────────────────────────────────────
let lastTasks = [];
const control = connectControl('desktop', (msg) => {
  if (msg.type === 'tasks') { lastTasks = msg.tasks; host?.putTasks(msg.tasks); team = msg.team; render(); }
});
let team = [];
let host;
let pluginState = 'loading';

const token = async () => (await (await fetch('/api/token?identity=alice')).json()).token;

document.getElementById('modes').replaceChildren(...Object.entries(MODES).filter(([, m]) => !m.hidden).map(([name, m]) =>
  h('a', { href: `?mode=${name}`, class: name === modeName ? 'on' : '' }, m.label)));
document.getElementById('config').textContent = JSON.stringify({ custom_data: configuration.custom_data,
  sdkOptions: { voice: { ...configuration.sdkOptions.voice, sounds: '{…15 local WAVs}' } } }, null, 1);

const state = () => host.manager.store.getState().flex;
const act = (name, payload) => host.flex.Actions.invokeAction(name, payload).catch((e) => console.warn(`[desktop] ${name}:`, e?.message || e));

const start = async () => createFlex({
  configuration,
  Device,
  token: await token(),
  identity: 'alice',
  workerSid: 'WK' + 'a'.repeat(32),
  // What Flex's actions do on Twilio's side, done by the sandbox gateway.
  backend: {
    acceptTask: (reservationSid) => control.request({ type: 'task.accept', reservationSid }),
    rejectTask: (reservationSid) => control.request({ type: 'task.reject', reservationSid }),
    completeTask: (taskSid) => control.request({ type: 'task.complete', taskSid }),
    holdParticipant: (taskSid, targetSid, onHold) => control.request({ type: 'participant.hold', taskSid, targetSid, onHold }),
    monitorCall: (taskSid) => control.request({ type: 'call.monitor', taskSid }),
    stopMonitoring: () => control.request({ type: 'monitor.stop' }),
  },
  onChange: () => render(),
});

try {
  host = await start();
  host.putTasks(lastTasks);
  // "Off" loads the plugin too, with `enabled: false`, as a Flex admin would turn it off.
  pluginState = await host.loadPlugin('/plugin/plugin-multi-call.js');
} catch (e) {
  document.getElementById('notes').replaceChildren(h('li', { class: 'error' }, `desktop failed to start: ${e?.message || e}`));
  throw e;
}

// ── rendering ─────────────────────────────────────────────────────────────

function meter(v) {
  const pct = Math.max(0, Math.min(100, v * 100 / 0.3));
  return h('span', { class: 'meter' }, h('span', { style: `width:${pct}%` }));
}

function taskCard(task) {
  const f = state();
  const selected = f.view?.selectedTaskSid === task.sid;
  const conf = task.conference?.participants || [];
  const customer = conf.find((p) => p.participantType === 'customer' && p.status === 'joined');
  const entry = liveCalls().filter((e) => reservationOf(e.call) === task.sid).at(-1);
  const call = entry?.call;
  const active = call && sidOf(f.phone?.activeCall) === sidOf(call);
  const status = call?.status();
  const voice = task.channelType === 'voice' || task.taskChannelUniqueName === 'voice';
  const badges = [
    h('span', { class: `badge ${voice ? '' : 'chat'}` }, voice ? 'call' : 'chat'),
    h('span', { class: `badge ${task.taskStatus === 'reserved' ? 'ringing' : ''}` }, task.taskStatus),
    selected && h('span', { class: 'badge flex' }, 'selected'),
    status === 'pending' && h('span', { class: 'badge ringing' }, 'ringing'),
    status === 'open' && h('span', { class: 'badge open' }, 'connected'),
    status === 'reconnecting' && h('span', { class: 'badge ringing' }, 'reconnecting'),
    customer?.onHold && h('span', { class: 'badge hold' }, 'held'),
    call?.isMuted() && h('span', { class: 'badge muted' }, 'muted'),
    active && h('span', { class: 'badge flex', 'data-active': '' }, "Flex's active call"),
  ];
  const canHold = voice && task.taskStatus === 'assigned' && customer;
  return h('li', { class: `task ${selected ? 'selected' : ''} ${task.taskStatus} ${customer?.onHold ? 'held' : ''}`, 'data-task': task.sid, 'data-call': sidOf(call) || '' },
    h('div', { class: 'row' }, h('strong', { class: 'grow' }, task.attributes?.name || task.attributes?.from || task.sid), ...badges),
    entry ? h('div', { class: 'level' },
      h('span', { class: 'muted' }, 'hears'), meter(entry.level), h('span', { class: 'muted' }, 'sends'), meter(entry.sendLevel),
      h('span', { class: 'num' }, `${entry.device.label} · ${sidOf(call)?.slice(0, 10)}…`)) : null,
    h('div', { class: 'actions' },
      task.taskStatus === 'reserved' && h('button', { class: 'primary', 'data-action': 'accept', onclick: () => acceptTask(task.sid) }, 'Accept'),
      task.taskStatus === 'reserved' && h('button', { 'data-action': 'reject', onclick: () => act('RejectTask', { sid: task.sid }) }, 'Reject'),
      h('button', { 'data-action': 'select', disabled: selected, onclick: () => act('SelectTask', { sid: task.sid }) }, 'Select'),
      canHold && !customer.onHold && h('button', { 'data-action': 'hold', onclick: () => act('HoldCall', { sid: task.sid }) }, 'Hold'),
      canHold && customer.onHold && h('button', { 'data-action': 'unhold', onclick: () => act('UnholdCall', { sid: task.sid }) }, 'Unhold'),
      task.taskStatus === 'wrapping' && h('button', { 'data-action': 'complete', onclick: () => act('CompleteTask', { sid: task.sid }) }, 'Complete')));
}

/** In Flex the accept button sits on the task card, so the click selects the task too. */
async function acceptTask(sid) {
  await act('SelectTask', { sid });
  await act('AcceptTask', { sid });
}

function render() {
  if (!host) return;
  const f = state();
  const tasks = [...(f.worker?.tasks?.values?.() || [])];
  document.getElementById('tasks').replaceChildren(...(tasks.length ? tasks.map(taskCard) : [h('li', { class: 'empty' }, 'No tasks. Place a call from the customer panel.')]));

  const active = f.phone?.activeCall;
  const activeEntry = active && calls.find((e) => e.call === active || sidOf(e.call) === sidOf(active));
  const activeTask = activeEntry && tasks.find((t) => t.sid === reservationOf(activeEntry.call));
  document.getElementById('phone').replaceChildren(
    h('div', { class: 'grow' }, h('div', { class: 'muted small' }, "Flex's active call (the mute and hang-up buttons act on it)"),
      h('strong', { id: 'active-call', 'data-call': sidOf(active) || '' }, active ? `${activeTask?.attributes?.from || ''} ${sidOf(active)?.slice(0, 10)}…` : 'none — dialpad usable')),
    h('button', { id: 'mute', disabled: !active, onclick: () => act('ToggleMute') }, active?.isMuted?.() ? 'Unmute' : 'Mute'),
    h('button', { id: 'hangup', class: 'danger', disabled: !active, onclick: () => act('HangupCall', { task: activeTask }) }, 'Hang up'),
    h('button', { id: 'refresh-token', onclick: refreshToken }, 'Refresh token'));

  document.getElementById('devices').replaceChildren(h('table', { class: 'devices' },
    h('tr', {}, h('th', {}, 'Device'), h('th', {}, 'state'), h('th', {}, 'calls')),
    ...devices.map((d) => h('tr', { 'data-device': d.label },
      h('td', {}, d.label), h('td', {}, d.destroyed ? 'destroyed' : d.state),
      h('td', {}, calls.filter((e) => e.device === d && e.call.status() !== 'closed').map((e) => `${sidOf(e.call)?.slice(0, 8)}… ${e.call.status()}`).join(', ') || '—')))));

  document.getElementById('team').replaceChildren(...(team.length ? team.map((t) => h('li', { class: 'task' },
    h('div', { class: 'row' }, h('strong', { class: 'grow' }, `${t.worker}: ${t.attributes.from}`),
      h('button', { 'data-action': 'monitor', onclick: () => act('MonitorCall', { task: host.teamTask(t) }) }, 'Monitor'))))
    : [h('li', { class: 'empty' }, 'Nobody else is on a call.')]));

  document.getElementById('notes').replaceChildren(...(host.notifications().length
    ? host.notifications().map((n) => h('li', { class: n.type }, n.text))
    : [h('li', {}, `plugin: ${pluginState}`)]));
}

/** As Flex does: its own Device's updateToken, then `tokenUpdated` for plugins. */
function refreshToken() { host.refreshToken(); }

setInterval(render, 250);
render();

/** For tests: read-only views of what the page shows, and a measurement. */
window.desktop = {
  mode: modeName,
  pluginState: () => pluginState,
  flex: () => host.flex,
  manager: () => host.manager,
  refreshToken,
  devices: () => devices.map((d) => ({ label: d.label, state: d.state, destroyed: d.destroyed, calls: calls.filter((e) => e.device === d).map((e) => sidOf(e.call)) })),
  calls: () => calls.map((e) => ({ callSid: sidOf(e.call), device: e.device.label, status: e.call.status(), muted: e.call.isMuted(), reservationSid: reservationOf(e.call) })),
  activeCall: () => sidOf(state().phone?.activeCall) || null,
  selected: () => state().view?.selectedTaskSid || null,
  notifications: () => host.notifications(),
  events: () => events,
  /** Mean output volume (what the agent hears) per live call over `ms`. */
  async heard(ms = 1500) {
    const start = new Map(calls.map((e) => [e, [e.heard, e.volumeEvents]]));
    await new Promise((r) => setTimeout(r, ms));
    return Object.fromEntries(liveCalls().map((e) => {
      const [h0, n0] = start.get(e) || [0, 0];
      return [sidOf(e.call), (e.heard - h0) / Math.max(1, e.volumeEvents - n0)];
    }));
  },
};
