// Sync's query service (CDS "Insights" indexes) as Flex's Teams view uses it, behind twilsock:
//   POST /v3/Insights/<index>/Items {query_string, type?}   a live query (type "live_query") or an instant one
//   POST /v4/Subscriptions {action, correlation_id, requests}  subscribe a live query or a map to its events, or cancel
// Items come from the World; `changed()` compares each live query's result with what its client was
// last sent and pushes the difference as live_query_item_updated / live_query_item_removed, the
// events twilio-sync 2.0.1 applies in lib/livequery.js (_update) after lib/subscriptions.js routes them.
//
// And, read only, the conference status maps Twilio keeps per call task, `<WTsid>.CS`: one item per
// conference participant (keyed by its CallSid) and a `conf_status` item. Flex reads them for a task
// that is not its own, e.g. the call a supervisor monitors (ConferenceListener's Sync data source):
//   GET /v3/Maps/<sid or unique name>   GET /v3/Maps/<sid>/Items[?Key=…]   GET /v3/Maps/<sid>/Items/<key>
// with map_item_added / map_item_updated / map_item_removed events (lib/syncmap.js _update).
import { randomBytes } from 'node:crypto';
import { AGENT } from '../gateway/world.mjs';
import { WORKSPACE_SID, QUEUES } from './account.mjs';

/** The notification type twilio-sync hands to its subscriptions (lib/client.js, _routeMessage). */
const SYNC_EVENT = 'twilio.sync.event';
const RESERVATION_STATUS = { reserved: 'pending', assigned: 'accepted', wrapping: 'wrapping', completed: 'completed', canceled: 'canceled' };
const iso = (ms) => new Date(ms).toISOString();
const fail = (status, message, code = 20404) => ({ status, body: { status, code, message } });
const itemOut = ({ key, revision, data }) => ({ key, revision, data });
const CDS = 'https://cds.us1.twilio.com';

/**
 * The items of a call task's conference status map: one per participant who ever joined, keyed
 * by CallSid (the fields Flex's decodeSyncParticipant reads), and `conf_status`.
 */
function conferenceRows(world, task) {
  const conf = world.conferences.get(task.conferenceSid);
  const call = world.calls.get(conf.customerCallSid);
  const rows = new Map();
  for (const p of conf.participants) {
    // The reservation that put a worker on this call (the newest of that worker's tasks on it).
    const reservation = p.workerSid && [...world.tasks.values()].filter((t) => t.conferenceSid === conf.sid && t.workerSid === p.workerSid).at(-1)?.reservationSid;
    rows.set(p.callSid, {
      participant_type: p.participantType, conference_sid: conf.sid, call_sid: p.callSid, status: p.status === 'joined' ? 'joined' : 'left',
      hold: !!p.onHold, muted: !!p.muted, worker_sid: p.workerSid ?? null, reservation_sid: p.participantType === 'worker' ? reservation ?? null : null,
      end_conference_on_exit: p.participantType === 'worker', connecting: false,
    });
  }
  rows.set('conf_status', { conference_sid: conf.sid, status: call?.status === 'completed' ? 'completed' : 'in-progress' });
  return rows;
}

/**
 * The indexes: `rows(world, since)` gives {key, data} for every record (fields per Flex's
 * InsightsWorker / InsightsTask / InsightsQueue); `stamp(data, now)` adds the fields that change
 * with time, set only when the rest of the record changed.
 */
const INDEXES = {
  'tr-worker': {
    rows: (world, since) => [...world.workers.values()].map((w) => ({
      key: w.sid,
      data: {
        worker_sid: w.sid, friendly_name: w.identity, activity_name: w.activity ?? 'Available',
        date_activity_changed: iso(w.activityChangedAt ?? since),
        // The attributes TaskRouter gives the same worker (taskrouter.mjs workerRaw).
        attributes: { contact_uri: `client:${w.identity}`, full_name: w.name, email: `${w.identity}@example.com`, routing: { skills: [] } },
        workspace_sid: WORKSPACE_SID, team_sid: null,
        // Everyone is in the first queue; the second ("Sales") holds only the agent (account.mjs).
        queue_sids: QUEUES.filter((q, i) => i === 0 || w.sid === AGENT.sid).map((q) => q.sid),
      },
    })),
    stamp: (data, now) => ({ date_updated: iso(now) }),
  },
  'tr-reservation': {
    rows: (world) => [...world.tasks.values()].map((t) => ({
      key: t.reservationSid,
      data: {
        reservation_sid: t.reservationSid, task_sid: t.sid, worker_sid: t.workerSid,
        status: RESERVATION_STATUS[t.status] ?? t.status, task_status: t.status,
        task_channel_unique_name: t.channel, attributes: t.attributes, date_created: iso(t.dateCreated),
        task_priority: 0, queue_name: QUEUES[0].name, task_routing_target: null,
      },
    })),
    stamp: (data, now) => ({ date_updated: iso(now), task_age: Math.floor((now - Date.parse(data.date_created)) / 1000) }),
  },
  'tr-queue': {
    rows: () => QUEUES.map((q) => ({ key: q.sid, data: { queue_sid: q.sid, queue_name: q.name, workspace_sid: WORKSPACE_SID } })),
    stamp: (data, now) => ({ date_updated: iso(now) }),
  },
};

export class SyncService {
  #world;
  #log;
  #since = Date.now();
  // One counter for every item revision: the SDK drops an event whose revision is not greater than
  // the one it holds (lib/cache.js isKnown, compared with >=), so a newer state must compare greater.
  #revision = 0;
  #rows = new Map(); // index → Map key → {key, json, revision, data}
  #queries = new Map(); // query sid → {sid, index, queryString, match, push, lastEventId, sent: Map key → revision}
  #maps = new Map(); // map sid → {sid, uniqueName, taskSid, lastEventId, dateCreated, dateUpdated, items: Map key → item, events: [], subscribers: Set of push}

  /** @param {{world: import('../gateway/world.mjs').World, log: (entry: object) => void}} deps */
  constructor({ world, log }) {
    this.#world = world;
    this.#log = log;
  }

  /**
   * Answer one CDS request carried by twilsock; `push(messageType, obj)` notifies the socket it came on.
   * @returns {{status: number, body: object} | null} null when this is no request Sync serves
   */
  request(httpRequest, bodyText, push) {
    const { method, path = '' } = httpRequest;
    const map = /^\/v3\/Maps\/([^/]+)(?:\/(Items)(?:\/([^/]+))?)?$/.exec(path);
    if (map && method === 'GET') return this.#readMap(decodeURIComponent(map[1]), map[2], map[3] && decodeURIComponent(map[3]), httpRequest.params || {});
    const items = /^\/v3\/Insights\/([\w-]+)\/Items$/.exec(path);
    if (method !== 'POST' || !(items || path === '/v4/Subscriptions')) return null; // Maps, Documents, Lists: none here
    let body;
    try {
      body = JSON.parse(bodyText || '{}');
    } catch {
      return fail(400, `the body of POST ${path} is not JSON`, 20001);
    }
    return items ? this.#query(items[1], body, push) : this.#subscriptions(body, push);
  }

  /** The World changed: push each live query's difference to its client, and each map's changes to its subscribers. */
  changed() {
    this.#refreshMaps();
    const rows = new Map();
    for (const q of this.#queries.values()) {
      if (!rows.has(q.index)) rows.set(q.index, this.#refresh(q.index));
      this.#catchUp(q, rows.get(q.index));
    }
  }

  /** The socket behind `push` closed: its queries go (a reconnecting client re-subscribes them). */
  detach(push) {
    for (const [sid, q] of this.#queries) if (q.push === push) this.#queries.delete(sid);
    for (const m of this.#maps.values()) m.subscribers.delete(push);
  }

  #query(index, body, push) {
    if (!INDEXES[index]) return fail(404, `no Insights index ${index}; served: ${Object.keys(INDEXES).join(', ')}`);
    const queryString = body.query_string ?? '';
    let match;
    try {
      match = compile(queryString);
    } catch (e) {
      return fail(400, `Invalid query ${JSON.stringify(queryString)}: ${e.message}`, 54507);
    }
    const items = this.#matching(index, match);
    if (body.type !== 'live_query') return { status: 200, body: { items: items.map(itemOut) } };
    const q = { sid: `QY${randomBytes(16).toString('hex')}`, index, queryString, match, push, lastEventId: 0, sent: new Map(items.map((i) => [i.key, i.revision])) };
    this.#queries.set(q.sid, q);
    this.#log({ ch: 'sync', live_query: q.sid, index, query: queryString, items: items.length });
    return { status: 200, body: { query_id: q.sid, last_event_id: q.lastEventId, items: items.map(itemOut) } };
  }

  #subscriptions(body, push) {
    const { action, correlation_id: correlationId, requests } = body;
    if (!['establish', 'cancel'].includes(action) || !Array.isArray(requests)) return fail(400, 'a subscription request needs action establish|cancel and requests[]', 20001);
    // The outcome of each request follows the reply (as from the real service; the SDK accepts either order).
    queueMicrotask(() => {
      for (const r of requests) {
        try {
          if (action === 'establish') this.#establish(r, correlationId, push);
          else this.#cancel(r, correlationId, push);
        } catch (e) { // nobody above a microtask would catch it: the server must not fall over
          this.#log({ ch: 'sync', error: `${action} ${r?.object_sid}: ${e.stack || e}` });
        }
      }
    });
    // The SDK re-sends a request whose outcome has not arrived after estimated_delivery_in_ms.
    return { status: 202, body: { estimated_delivery_in_ms: 1000, max_batch_size: 100, ttl_in_s: -1 } };
  }

  #establish(r, correlationId, push) {
    const failed = (message) => {
      this.#log({ ch: 'sync', subscription: 'failed', sid: r.object_sid, why: message });
      push(SYNC_EVENT, { event_type: 'subscription_failed', correlation_id: correlationId, event: { object_sid: r.object_sid, object_type: r.object_type, error: { status: 404, code: 54100, message } } });
    };
    if (r.object_type === 'map') return this.#establishMap(r, correlationId, push, failed);
    if (r.object_type !== 'live_query') return failed(`only live queries and maps can be subscribed here, not ${r.object_type}`);
    let q = this.#queries.get(r.object_sid);
    const rebuilt = !q;
    if (rebuilt) {
      // Its socket closed since the query was made: the SDK repeats index and query string, so rebuild it.
      if (!INDEXES[r.index_name]) return failed(`no live query ${r.object_sid}`);
      let match;
      try {
        match = compile(r.query_string ?? '');
      } catch (e) {
        return failed(`invalid query: ${e.message}`);
      }
      q = { sid: r.object_sid, index: r.index_name, queryString: r.query_string ?? '', match, lastEventId: Number(r.last_event_id) || 0, sent: new Map() };
      this.#queries.set(q.sid, q);
    }
    q.push = push;
    // The client may have missed events (or, rebuilt, we do not know what it holds): send the whole
    // result as one live_query_updated, which the SDK reconciles item by item (livequery.js handleBatchUpdate).
    if (rebuilt || (Number(r.last_event_id) || 0) < q.lastEventId) {
      const items = this.#matching(q.index, q.match);
      q.sent = new Map(items.map((i) => [i.key, i.revision]));
      this.#emit(q, 'live_query_updated', { items: items.map(itemOut) });
    }
    this.#log({ ch: 'sync', subscription: 'established', sid: q.sid, index: q.index, last_event_id: q.lastEventId });
    push(SYNC_EVENT, { event_type: 'subscription_established', correlation_id: correlationId, event: { object_sid: q.sid, object_type: 'live_query', replay_status: 'completed', last_event_id: q.lastEventId } });
  }

  #cancel(r, correlationId, push) {
    this.#queries.delete(r.object_sid);
    this.#maps.get(r.object_sid)?.subscribers.delete(push);
    this.#log({ ch: 'sync', subscription: 'canceled', sid: r.object_sid });
    push(SYNC_EVENT, { event_type: 'subscription_canceled', correlation_id: correlationId, event: { object_sid: r.object_sid, object_type: r.object_type } });
  }

  // ── conference status maps ────────────────────────────────────────────

  /** GET a map, its items, or one item; a map is found by SID or unique name. */
  #readMap(id, items, key, params) {
    this.#refreshMaps();
    const m = this.#maps.get(id) ?? [...this.#maps.values()].find((x) => x.uniqueName === id);
    if (!m) return fail(404, `Map ${id} not found`, 54300);
    if (!items) return { status: 200, body: this.#mapOut(m) };
    const live = [...m.items.values()].filter((i) => !i.removed);
    if (key) {
      const item = live.find((i) => i.key === key);
      return item ? { status: 200, body: this.#itemOut(m, item) } : fail(404, `Map Item ${key} not found`, 54201);
    }
    // Key (map.get), From and Order (getItems); one page holds every item of a conference.
    let out = params.Key ? live.filter((i) => i.key === decodeURIComponent(params.Key)) : live;
    out = out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (params.Order === 'desc') out.reverse();
    if (params.From) {
      const from = decodeURIComponent(params.From);
      out = out.filter((i) => (params.Order === 'desc' ? i.key <= from : i.key >= from));
    }
    return { status: 200, body: { items: out.map((i) => this.#itemOut(m, i)), meta: { previous_token: null, next_token: null } } };
  }

  /** A map subscription: replay what the client missed since its last_event_id, then confirm. */
  #establishMap(r, correlationId, push, failed) {
    const m = this.#maps.get(r.object_sid);
    if (!m) return failed(`Map ${r.object_sid} not found`);
    m.subscribers.add(push);
    const since = Number(r.last_event_id) || 0;
    for (const e of m.events) if (e.event.id > since) push(SYNC_EVENT, e);
    this.#log({ ch: 'sync', subscription: 'established', sid: m.sid, map: m.uniqueName, last_event_id: m.lastEventId });
    push(SYNC_EVENT, { event_type: 'subscription_established', correlation_id: correlationId, event: { object_sid: m.sid, object_type: 'map', replay_status: 'completed', last_event_id: m.lastEventId } });
  }

  #mapOut(m) {
    const url = `${CDS}/v3/Maps/${m.sid}`;
    return {
      sid: m.sid, unique_name: m.uniqueName, url, links: { items: `${url}/Items` }, revision: String(m.lastEventId), last_event_id: m.lastEventId,
      date_created: iso(m.dateCreated), date_updated: iso(m.dateUpdated), date_expires: null, created_by: 'system',
    };
  }

  #itemOut(m, i) {
    return { key: i.key, url: `${CDS}/v3/Maps/${m.sid}/Items/${encodeURIComponent(i.key)}`, revision: i.revision, last_event_id: i.lastEventId, data: i.data, date_updated: iso(i.dateUpdated), date_expires: null };
  }

  /**
   * Bring every call task's map up to date with its conference: each changed item is an event
   * (kept for replay) pushed to the map's subscribers. A map appears when its task is accepted.
   */
  #refreshMaps() {
    for (const task of this.#world.tasks.values()) {
      if (!task.conferenceSid || task.status === 'reserved' || task.status === 'canceled') continue;
      const sid = `MP${task.sid.slice(2)}`;
      let m = this.#maps.get(sid);
      if (!m) {
        m = { sid, uniqueName: `${task.sid}.CS`, taskSid: task.sid, lastEventId: 0, dateCreated: Date.now(), dateUpdated: Date.now(), items: new Map(), events: [], subscribers: new Set() };
        this.#maps.set(sid, m);
      }
      const rows = conferenceRows(this.#world, task);
      for (const [key, data] of rows) {
        const json = JSON.stringify(data);
        const old = m.items.get(key);
        if (old && !old.removed && old.json === json) continue;
        this.#mapEvent(m, old && !old.removed ? 'map_item_updated' : 'map_item_added', key, data, json);
      }
      for (const old of m.items.values()) if (!old.removed && !rows.has(old.key)) this.#mapEvent(m, 'map_item_removed', old.key, old.data, old.json);
    }
  }

  #mapEvent(m, type, key, data, json) {
    const now = Date.now();
    const id = ++m.lastEventId;
    const item = { key, json, data, revision: String(id), lastEventId: id, dateUpdated: now, removed: type === 'map_item_removed' };
    m.items.set(key, item);
    m.dateUpdated = now;
    const e = { event_type: type, event: {
      id, map_sid: m.sid, map_unique_name: m.uniqueName, map_revision: String(id), item_key: key, item_data: data, item_revision: item.revision,
      item_url: `${CDS}/v3/Maps/${m.sid}/Items/${encodeURIComponent(key)}`, date_created: iso(now),
    } };
    m.events.push(e);
    if (m.subscribers.size) this.#log({ ch: 'sync', event: type, map: m.uniqueName, key, id });
    for (const push of m.subscribers) push(SYNC_EVENT, e);
  }

  /** Push what changed in `q`'s result since its client was last told. */
  #catchUp(q, rows) {
    for (const row of rows.values()) {
      if (!q.match(row.data) || q.sent.get(row.key) === row.revision) continue;
      q.sent.set(row.key, row.revision);
      this.#emit(q, 'live_query_item_updated', { item_key: row.key, item_data: row.data, item_revision: row.revision });
    }
    for (const key of q.sent.keys()) {
      const row = rows.get(key);
      if (row && q.match(row.data)) continue;
      q.sent.delete(key);
      // An item leaves a result only by changing (a newer revision) or by vanishing (a fresh one).
      this.#emit(q, 'live_query_item_removed', { item_key: key, item_revision: row ? row.revision : ++this.#revision });
    }
  }

  /** One live-query event; `last_event_id` sits in the event, where LiveQueryImpl._update reads it. */
  #emit(q, type, fields) {
    q.lastEventId += 1;
    this.#log({ ch: 'sync', event: type, query: q.sid, index: q.index, key: fields.item_key, last_event_id: q.lastEventId });
    q.push(SYNC_EVENT, { event_type: type, event: { query_id: q.sid, ...fields, last_event_id: q.lastEventId } });
  }

  #matching(index, match) {
    return [...this.#refresh(index).values()].filter((row) => match(row.data));
  }

  /** The index's records now; a record keeps its revision (and stamps) until its content changes. */
  #refresh(index) {
    const { rows, stamp } = INDEXES[index];
    const known = this.#rows.get(index) ?? new Map();
    const now = Date.now();
    const next = new Map();
    for (const { key, data } of rows(this.#world, this.#since)) {
      const json = JSON.stringify(data);
      const old = known.get(key);
      next.set(key, old && old.json === json ? old : { key, json, revision: ++this.#revision, data: { ...data, ...stamp(data, now) } });
    }
    this.#rows.set(index, next);
    return next;
  }
}

// ── the Live Query Language (https://www.twilio.com/docs/sync/live-query) ──────────────────────
// field OP "value" | field OP ["v1", …], joined by and/&&, or/||, grouped with parentheses;
// and binds tighter than or. Values are strings only, as the service documents.

const WORD_OPS = { and: 'and', or: 'or', in: 'in', not_in: 'not_in', eq: 'eq', not_eq: 'not_eq', contains: 'contains' };
const SYMBOL_OPS = { '&&': 'and', '||': 'or', '==': 'eq', '!=': 'not_eq' };
const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(&&|\|\||==|!=|[()[\],])|([A-Za-z_][\w.-]*))/y;

/** A scalar equals the string; an array field matches when any element does. */
const equals = (value, s) => (Array.isArray(value) ? value.some((v) => equals(v, s))
  : value != null && typeof value !== 'object' && String(value) === s);
const TESTS = {
  eq: (v, s) => equals(v, s),
  not_eq: (v, s) => !equals(v, s),
  in: (v, list) => list.some((s) => equals(v, s)),
  not_in: (v, list) => !list.some((s) => equals(v, s)),
  // Flex's Teams search box sends `data.attributes.full_name CONTAINS "…"`: a case-insensitive substring.
  contains: (v, s) => (typeof v === 'string' ? v.toLowerCase().includes(s.toLowerCase()) : equals(v, s)),
};

function tokenize(text) {
  const tokens = [];
  let at = 0;
  while (text.slice(at).trim()) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`cannot read ${JSON.stringify(text.slice(at).trim().slice(0, 20))}`);
    at = TOKEN.lastIndex;
    if (m[1]) tokens.push({ kind: 'string', value: JSON.parse(m[1]) });
    else if (m[2]) tokens.push(SYMBOL_OPS[m[2]] ? { kind: 'op', value: SYMBOL_OPS[m[2]] } : { kind: m[2] });
    else if (WORD_OPS[m[3].toLowerCase()]) tokens.push({ kind: 'op', value: WORD_OPS[m[3].toLowerCase()] });
    else tokens.push({ kind: 'field', value: m[3].split('.') });
  }
  return tokens;
}

/** A predicate over an item's `data` for a query string; throws on one it cannot read. */
function compile(text) {
  const tokens = tokenize(text);
  let i = 0;
  const next = (kind) => {
    const t = tokens[i];
    if (!t || t.kind !== kind) throw new Error(`expected ${kind} at token ${i + 1}, found ${t ? t.value ?? t.kind : 'the end'}`);
    i++;
    return t.value;
  };
  const at = (kind, value) => tokens[i]?.kind === kind && (value === undefined || tokens[i].value === value);
  const list = () => {
    next('[');
    const values = at(']') ? [] : [next('string')];
    while (at(',')) { i++; values.push(next('string')); }
    next(']');
    return values;
  };
  const term = () => {
    if (at('(')) { i++; const inner = or(); next(')'); return inner; }
    const field = next('field');
    const op = next('op');
    if (!TESTS[op]) throw new Error(`${op} needs a comparison before it`);
    const operand = op === 'in' || op === 'not_in' ? list() : next('string');
    return (data) => TESTS[op](field.reduce((o, k) => (o != null && Object.hasOwn(Object(o), k) ? o[k] : undefined), { data }), operand);
  };
  const and = () => {
    let p = term();
    while (at('op', 'and')) { i++; const l = p, r = term(); p = (d) => l(d) && r(d); }
    return p;
  };
  const or = () => {
    let p = and();
    while (at('op', 'or')) { i++; const l = p, r = and(); p = (d) => l(d) || r(d); }
    return p;
  };
  if (!tokens.length) return () => true;
  const predicate = or();
  if (i < tokens.length) throw new Error(`unexpected token ${i + 1}`);
  return predicate;
}
