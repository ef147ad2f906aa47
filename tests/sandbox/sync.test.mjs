// The local Sync (sandbox/twilio/sync.mjs) behind the local twilsock (sandbox/twilio/twilsock.mjs),
// driven by the real SDKs Flex uses: twilio-sync 2.0.1 (with its twilsock 0.8.3) for the Teams
// view and twilsock 0.13.5 for Flex's telemetry socket. The World changes as the sandbox changes
// it; the live queries must follow without a new query, as the Teams view needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, WebSocket } from 'ws';
import { World, AGENT, OTHER } from '../../sandbox/gateway/world.mjs';
import { SyncService } from '../../sandbox/twilio/sync.mjs';
import { attachTwilsock } from '../../sandbox/twilio/twilsock.mjs';
import { mintToken } from '../../sandbox/twilio/token.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The SDKs as @twilio/flex-ui (a devDependency) brings them: twilio-sync and its twilsock.
const fromFlex = createRequire(path.join(root, 'node_modules/@twilio/flex-ui/package.json'));

/** Flex's WorkerListener query for one worker's live reservations (flex-ui bundle, WorkerListener.initInsightsQuery). */
const RESERVATIONS_OF = (workerSid) => `data.worker_sid == "${workerSid}" && `
  + '(data.status not_in ["completed", "canceled", "rescinded", "rejected", "timeout"])';

/** Poll `fn` until it returns a truthy value. */
async function until(fn, what, timeout = 5000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A World, its SyncService, a twilsock server on an ephemeral port, and the log they write. */
async function harness(t) {
  const log = [];
  const world = new World({ changed: () => {} });
  // World starts from the module's AGENT and OTHER objects themselves; copies keep one test's
  // activity changes out of the next test.
  world.workers = new Map([...world.workers].map(([sid, w]) => [sid, { ...w }]));
  const sync = new SyncService({ world, log: (e) => log.push(e) });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const sockets = [];
  wss.on('connection', (ws, req) => {
    const client = new URL(req.url, 'http://x').searchParams.get('c');
    sockets.push(ws);
    attachTwilsock(ws, { client, sync: client === 'insights' ? sync : null, log: (e) => log.push(e) });
  });
  const url = (c) => `ws://127.0.0.1:${wss.address().port}/v3/wsconnect?c=${c}`;
  t.after(() => new Promise((r) => { for (const ws of wss.clients) ws.terminate(); wss.close(r); }));
  return { world, sync, log, sockets, url };
}

/** A connected Sync client as Flex makes it, pointed at the harness. */
async function syncClient(t, h) {
  const { SyncClient } = fromFlex('twilio-sync');
  const client = new SyncClient(mintToken({ identity: AGENT.identity, workerSid: AGENT.sid }), {
    productId: 'flex_insights', // as Flex creates it
    twilsock: { uri: h.url('insights') },
    retryPolicy: { min: 20, max: 100, randomness: 0 }, // reconnect quickly in the reconnect test
  });
  t.after(() => client.shutdown());
  await until(() => client.connectionState === 'connected', 'the Sync client to connect');
  return client;
}

/** A live query whose events are recorded, and a wait for its subscription. */
async function openLive(client, h, index, query) {
  const q = await client.liveQuery(index, query);
  const events = [];
  q.on('itemUpdated', (e) => events.push({ type: 'updated', key: e.key, value: e.value }));
  q.on('itemRemoved', (e) => events.push({ type: 'removed', key: e.key }));
  await until(() => h.log.some((e) => e.subscription === 'established' && e.sid === q.sid), `${index} subscription`);
  return { q, events };
}

test('Flex\'s reservation live query follows a call: offered, accepted, wrapping, completed', async (t) => {
  const h = await harness(t);
  const client = await syncClient(t, h);
  const { q, events } = await openLive(client, h, 'tr-reservation', RESERVATIONS_OF(AGENT.sid));
  assert.deepEqual(q.getItems(), {}, 'nothing is reserved at first');

  const call = h.world.placeCall({ from: '+15550001111', owner: 'customer-1' });
  const task = [...h.world.tasks.values()].find((x) => x.workerSid === AGENT.sid);
  h.sync.changed();
  const offered = await until(() => events.find((e) => e.type === 'updated'), 'the new reservation');
  assert.equal(offered.key, task.reservationSid);
  assert.equal(offered.value.status, 'pending');
  assert.equal(offered.value.task_status, 'reserved');
  assert.equal(offered.value.task_sid, task.sid);
  assert.equal(offered.value.worker_sid, AGENT.sid);
  assert.equal(offered.value.task_channel_unique_name, 'voice');
  assert.equal(offered.value.attributes.from, '+15550001111');
  for (const k of ['date_created', 'date_updated', 'task_age', 'task_priority', 'queue_name']) assert.ok(k in offered.value, `${k} is there`);

  // Bob's call never shows in Alice's query.
  h.world.placeCall({ from: '+15550002222', worker: OTHER.sid, owner: 'customer-2' });
  h.sync.changed();

  const statusOf = () => q.getItems()[task.reservationSid]?.status;
  h.world.accept(task.reservationSid);
  h.sync.changed();
  await until(() => statusOf() === 'accepted', 'accepted');
  assert.equal(q.getItems()[task.reservationSid].task_status, 'assigned');

  h.world.endCall(call.sid);
  h.sync.changed();
  await until(() => statusOf() === 'wrapping', 'wrapping');

  h.world.complete(task.sid);
  h.sync.changed();
  await until(() => events.some((e) => e.type === 'removed'), 'the completed reservation to leave the query');
  assert.deepEqual(q.getItems(), {});
  assert.deepEqual(events.map((e) => e.type === 'removed' ? 'removed' : e.value.status), ['pending', 'accepted', 'wrapping', 'removed']);
  assert.ok(events.every((e) => e.key === task.reservationSid), 'only Alice\'s reservation was pushed');

  h.sync.changed(); // nothing changed: nothing is pushed
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(events.length, 4);
  assert.equal(q.lastEventId, 4, 'the SDK advanced its last event id with each event (strictly ordered once subscribed)');
});

test('the worker live query carries Flex\'s InsightsWorker fields and follows an activity change', async (t) => {
  const h = await harness(t);
  const client = await syncClient(t, h);
  const { q, events } = await openLive(client, h, 'tr-worker', '');
  const alice = q.getItems()[AGENT.sid];
  assert.deepEqual(Object.keys(q.getItems()).sort(), [AGENT.sid, OTHER.sid].sort());
  assert.equal(alice.worker_sid, AGENT.sid);
  assert.equal(alice.friendly_name, AGENT.identity);
  assert.equal(alice.activity_name, 'Available');
  assert.equal(alice.attributes.full_name, AGENT.name);
  assert.equal(alice.attributes.contact_uri, `client:${AGENT.identity}`);
  for (const k of ['date_updated', 'date_activity_changed', 'workspace_sid', 'queue_sids', 'team_sid']) assert.ok(k in alice, `${k} is there`);

  const before = Date.parse(alice.date_activity_changed);
  await new Promise((r) => setTimeout(r, 5));
  h.world.setActivity(AGENT.sid, 'Break');
  h.sync.changed();
  const update = await until(() => events.find((e) => e.key === AGENT.sid), 'the activity change');
  assert.equal(update.value.activity_name, 'Break');
  assert.ok(Date.parse(update.value.date_activity_changed) > before);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(events.length, 1, 'Bob did not change, so nothing was pushed for him');
});

test('instant queries and the query forms Flex sends', async (t) => {
  const h = await harness(t);
  const client = await syncClient(t, h);
  h.world.setActivity(OTHER.sid, 'Break');
  const chat = h.world.startChat({ from: 'chat-customer' });
  h.world.accept(chat.reservationSid);
  h.world.complete(chat.sid);
  const keys = async (index, query) => {
    const iq = await client.instantQuery(index);
    await iq.search(query);
    return Object.keys(iq.getItems()).sort();
  };
  const both = [AGENT.sid, OTHER.sid].sort();
  assert.deepEqual(await keys('tr-worker', ''), both);
  assert.deepEqual(await keys('tr-worker', `data.worker_sid == "${OTHER.sid}"`), [OTHER.sid], 'the sticky-worker query');
  assert.deepEqual(await keys('tr-worker', '(data.activity_name IN ["Break"])'), [OTHER.sid], 'the status filter');
  assert.deepEqual(await keys('tr-worker', 'data.activity_name != "Break"'), [AGENT.sid]);
  assert.deepEqual(await keys('tr-worker', 'data.activity_name not_eq "Break" OR data.friendly_name eq "bob"'), both);
  assert.deepEqual(await keys('tr-worker', '(data.attributes.full_name CONTAINS "ali")'), [AGENT.sid], 'the search box');
  assert.deepEqual(await keys('tr-worker', 'data.queue_sids in ["WQ11111111111111111111111111111111"]'), [AGENT.sid], 'an array field');
  assert.deepEqual(await keys('tr-worker', 'data.team_sid IN []'), [], 'an empty team filter');
  assert.deepEqual(await keys('tr-worker', '(data.activity_name == "Break" || data.friendly_name == "alice") && data.friendly_name != "bob"'), [AGENT.sid]);
  assert.deepEqual(await keys('tr-reservation', RESERVATIONS_OF(AGENT.sid)), [], 'a completed reservation is filtered out');
  assert.deepEqual(await keys('tr-reservation', `${RESERVATIONS_OF(AGENT.sid)} OR data.reservation_sid=="${chat.reservationSid}"`),
    [chat.reservationSid], 'unless it is the sticky task');
  assert.equal((await keys('tr-queue', '')).length, 2, 'the queue filter\'s list');

  const iq = await client.instantQuery('tr-worker');
  await assert.rejects(iq.search('data.activity_name ==='), (e) => e.status === 400 && e.code === 54507);
});

test('a call task\'s conference map, as Flex opens it for a call it does not own: items, then live changes', async (t) => {
  const h = await harness(t);
  const client = await syncClient(t, h);
  const call = h.world.placeCall({ from: 'Cy', worker: OTHER.sid });
  const task = [...h.world.tasks.values()].find((x) => x.conferenceSid === call.conferenceSid);
  const conf = h.world.conferences.get(call.conferenceSid);
  // ConferenceListener's Sync data source (flex-ui bundle): open_existing by unique name, then every item.
  const map = await client.map({ id: `${task.sid}.CS`, mode: 'open_existing' });
  assert.equal(map.uniqueName, `${task.sid}.CS`);
  const page = await map.getItems();
  const byKey = Object.fromEntries(page.items.map((i) => [i.key, i.data]));
  assert.equal(byKey.conf_status.status, 'in-progress');
  assert.equal(byKey.conf_status.conference_sid, conf.sid);
  const bob = conf.participants.find((p) => p.participantType === 'worker');
  assert.deepEqual(byKey[call.sid], {
    participant_type: 'customer', conference_sid: conf.sid, call_sid: call.sid, status: 'joined', hold: false, muted: false,
    worker_sid: null, reservation_sid: null, end_conference_on_exit: false, connecting: false,
  });
  assert.equal(byKey[bob.callSid].participant_type, 'worker');
  assert.equal(byKey[bob.callSid].worker_sid, OTHER.sid);
  assert.equal(byKey[bob.callSid].reservation_sid, task.reservationSid);

  const events = [];
  map.on('itemAdded', (e) => events.push({ type: 'added', key: e.item.key, data: e.item.data }));
  map.on('itemUpdated', (e) => events.push({ type: 'updated', key: e.item.key, data: e.item.data }));
  await until(() => h.log.some((e) => e.subscription === 'established' && e.sid === map.sid), 'the map subscription');
  // A supervisor is dialled in (TaskRouter's supervise instruction): it joins muted.
  h.world.join(conf, { callSid: 'CA' + 'e'.repeat(32), participantType: 'supervisor', workerSid: AGENT.sid });
  h.sync.changed();
  await until(() => events.length === 1, 'the supervisor added');
  assert.deepEqual([events[0].type, events[0].key, events[0].data.participant_type, events[0].data.worker_sid, events[0].data.muted, events[0].data.status],
    ['added', 'CA' + 'e'.repeat(32), 'supervisor', AGENT.sid, true, 'joined']);
  h.world.hold(task.sid, call.sid, true);
  h.sync.changed();
  await until(() => events.length === 2, 'the hold');
  assert.deepEqual([events[1].type, events[1].key, events[1].data.hold], ['updated', call.sid, true]);
  h.world.leave('CA' + 'e'.repeat(32));
  h.world.endCall(call.sid);
  h.sync.changed();
  await until(() => events.some((e) => e.key === 'conf_status'), 'the conference ending');
  assert.equal(events.find((e) => e.key === 'CA' + 'e'.repeat(32) && e.type === 'updated')?.data.status, 'left', 'a participant who leaves stays, as left');
  assert.equal(events.find((e) => e.key === 'conf_status').data.status, 'completed');
  assert.equal(events.filter((e) => e.type === 'added').length, 1, 'nothing but the supervisor was added');
  // One item read alone (map.get), as it is now.
  assert.equal((await map.get(call.sid)).data.status, 'left');
});

test('a conference map exists only for a call task that was accepted; writes are not served', async (t) => {
  const h = await harness(t);
  const client = await syncClient(t, h);
  await assert.rejects(client.map({ id: 'WT0123.CS', mode: 'open_existing' }), (e) => e.status === 404);
  h.world.placeCall({ from: 'Ada', worker: AGENT.sid }); // offered to Alice, not accepted
  const task = [...h.world.tasks.values()][0];
  await assert.rejects(client.map({ id: `${task.sid}.CS`, mode: 'open_existing' }), (e) => e.status === 404);
  h.world.accept(task.reservationSid);
  h.sync.changed();
  const map = await client.map({ id: `${task.sid}.CS`, mode: 'open_existing' });
  assert.equal((await map.getItems()).items.length, 2, 'the customer and conf_status (Alice has not answered yet)');
  await assert.rejects(map.set('x', { a: 1 }), (e) => e.status === 404);
});

test('a reconnecting client gets its queries back, with what changed while it was away', async (t) => {
  const h = await harness(t);
  const client = await syncClient(t, h);
  const { q, events } = await openLive(client, h, 'tr-reservation', RESERVATIONS_OF(AGENT.sid));
  const first = h.sockets.length;
  h.sockets.at(-1).terminate(); // a network blip
  await until(() => client.connectionState !== 'connected', 'the client to notice');
  h.world.startChat({ from: 'while-away' });
  h.sync.changed();
  await until(() => h.sockets.length > first && client.connectionState === 'connected', 'the client to reconnect');
  const task = [...h.world.tasks.values()][0];
  await until(() => q.getItems()[task.reservationSid]?.status === 'pending', 'the reservation made while away');
  h.world.accept(task.reservationSid);
  h.sync.changed();
  await until(() => q.getItems()[task.reservationSid]?.status === 'accepted', 'a live change after the reconnect');
  assert.deepEqual(events.map((e) => e.value.status), ['pending', 'accepted']);
  assert.ok(h.log.some((e) => e.event === 'live_query_updated' && e.query === q.sid), 'the query was rebuilt and caught up in one batch');
  const token = mintToken({ identity: AGENT.identity, workerSid: AGENT.sid });
  await client.updateToken(token); // twilsock `update`
  assert.ok(h.log.some((e) => e.ch === 'twilsock' && e.method === 'update'));
});

test('Flex\'s telemetry socket: init with telemetry.v1, Telemetry/Events answered, anything else a clear 404', async (t) => {
  const h = await harness(t);
  const { TwilsockClient } = fromFlex('twilsock');
  const client = new TwilsockClient(mintToken({ identity: AGENT.identity }), 'flex', { twilsock: { uri: h.url('telemetry') } });
  t.after(() => client.disconnect());
  const connected = new Promise((r) => client.once('connected', r));
  client.connect();
  await connected;
  const ok = await client.post('https://flex-sdk.twilio.com/v1/Telemetry/Events', { 'Content-Type': 'application/json' }, { events: [] });
  assert.equal(ok.status.code, 200);
  // The SDK sends its start-up telemetry only when init confirmed the telemetry.v1 capability.
  await until(() => h.log.some((e) => e.client === 'telemetry' && e.method === 'telemetry.v1'), 'a telemetry.v1 packet');
  await assert.rejects(client.post('https://cds.us1.twilio.com/v3/Insights/tr-worker/Items', { 'Content-Type': 'application/json' }, {}),
    (e) => e.status === 404 && /no local stand-in for POST cds\.us1\.twilio\.com\/v3\/Insights\/tr-worker\/Items/.test(e.body.message));
});

test('malformed packets are logged and the socket keeps serving', async (t) => {
  const h = await harness(t);
  const ws = new WebSocket(h.url('insights'));
  await new Promise((r) => ws.once('open', r));
  t.after(() => ws.close());
  const replies = new Map();
  ws.on('message', (data) => {
    const m = /"method":"reply","id":"(\w+)"/.exec(String(data));
    if (m) replies.set(m[1], String(data));
  });
  const packet = (header, payload = '') => {
    const json = JSON.stringify({ ...header, payload_size: Buffer.byteLength(payload) });
    return `TWILSOCK V3.0 ${Buffer.byteLength(json)}\r\n${json}\r\n${payload}`;
  };
  ws.send('hello');
  ws.send('TWILSOCK V3.0 400\r\n{"method":"init"}\r\n');
  ws.send(packet({ id: 'TM1' }));
  const items = { method: 'POST', host: 'cds.us1.twilio.com', path: '/v3/Insights/tr-worker/Items' };
  ws.send(packet({ method: 'message', id: 'TM2', http_request: items, payload_type: 'application/json' }, '{{{'));
  ws.send(packet({ method: 'ping', id: 'TM3' }));
  await until(() => replies.has('TM3'), 'the reply to ping');
  assert.equal(h.log.filter((e) => /^bad packet/.test(e.error)).length, 3, 'three packets were not packets');
  assert.match(replies.get('TM2'), /"http_status":\{"code":400/, 'a body that is not JSON is a 400 from Sync, not a crash');
  assert.match(replies.get('TM3'), /^TWILSOCK V3\.0 \d+\r\n\{"method":"reply","id":"TM3","status":\{"code":200/);
});
