// TaskRouter and Flex Interactions behind EventBridge, as the real
// twilio-taskrouter SDK (and the Interactions client inside Flex) speak it:
// every REST call is a POST of {url, method, params} to one proxy endpoint,
// and every change reaches the worker as a JSON frame on its event socket.
// The state is the World's; this module only translates. Events are found by
// comparing what the worker was last told with the World now, so a change
// made anywhere (the customer panel, a media leg ending, a test) is pushed.
import { AGENT, OTHER } from '../gateway/world.mjs';
import {
  ACCOUNT_SID, WORKSPACE_SID, WORKFLOW_SID, CHANNELS, ACTIVITIES, QUEUES, activityByName, activityBySid,
} from './account.mjs';
import { checkShape } from './shapes.mjs';

const secs = (ms) => Math.floor(ms / 1000);
const HEARTBEAT_MS = 10000; // the SDK reconnects after 30 s of silence
const LIVE = new Set(['reserved', 'assigned', 'wrapping']);
/** World task status → reservation status. */
const RESERVATION_STATUS = { reserved: 'pending', assigned: 'accepted', wrapping: 'wrapping', completed: 'completed', canceled: 'canceled' };
/** A participant as the events describe it: joined or not, held, muted. */
const participantState = (p) => `${p.status}/${p.onHold}/${p.muted}`;
/** When, after a Participants answer, its participants' later changes are told again (twice: a loaded page is slow). */
const RETELL_MS = [300, 2000];

/** Reservation status → the event that announces it. */
const RESERVATION_EVENT = { pending: 'reservation.created', accepted: 'reservation.accepted', wrapping: 'reservation.wrapup', completed: 'reservation.completed', canceled: 'reservation.canceled', rejected: 'reservation.rejected' };

export class TaskRouter {
  /** @param {{gateway: import('../gateway/gateway.mjs').Gateway, log: (e: object) => void}} deps */
  constructor({ gateway, log }) {
    this.gateway = gateway;
    this.world = gateway.world;
    this.log = log;
    this.sockets = new Map(); // worker sid → Set of event sockets
    this.told = new Map(); // task sid → { status, version, taskVersion, participants: Map callSid → {state, seq} }
    this.workerVersions = new Map(); // worker sid → { version, activity }
    this.shapeErrors = []; // payloads that would fail the SDK's validators (tests assert it stays empty)
  }

  // ── the event socket ─────────────────────────────────────────────────────

  /** A worker's EventBridge socket: `init` first, then events, with heartbeats. */
  attach(ws, workerSid, tokenLifetimeMs) {
    if (!this.world.workers.has(workerSid)) {
      ws.close(4004, `no worker ${workerSid}`);
      return;
    }
    const set = this.sockets.get(workerSid) || new Set();
    this.sockets.set(workerSid, set);
    set.add(ws);
    ws.send(JSON.stringify({ event_type: 'init', payload: { channel_id: workerSid, account_sid: ACCOUNT_SID, workspace_sid: WORKSPACE_SID, token_lifetime: tokenLifetimeMs } }));
    const heartbeat = setInterval(() => ws.readyState === 1 && ws.send('\n'), HEARTBEAT_MS);
    ws.on('close', () => { clearInterval(heartbeat); set.delete(ws); });
    // The SDK loads the current state over REST after `init`: what it reads then counts as told.
    for (const task of this.world.tasks.values()) if (task.workerSid === workerSid && !this.told.has(task.sid)) this.remember(task);
  }

  push(workerSid, eventType, payload) {
    this.verify(eventType, payload);
    const frame = JSON.stringify({ event_type: eventType, payload });
    this.log({ ch: 'taskrouter', dir: 'out', worker: workerSid, event: eventType, sid: payload.sid || payload.participant_sid });
    for (const ws of this.sockets.get(workerSid) || []) if (ws.readyState === 1) ws.send(frame);
  }

  /** Records a payload the real SDK would drop (a missing field makes the task silently vanish). */
  verify(what, payload) {
    const problems = checkShape(what, payload);
    if (!problems.length) return;
    const entry = { what, problems };
    this.shapeErrors.push(entry);
    this.log({ ch: 'taskrouter', error: `payload for ${what} would be dropped by the SDK: ${problems.join('; ')}` });
  }

  // ── World → events ──────────────────────────────────────────────────────

  /** Called after every World change: tells each connected worker what changed. */
  changed() {
    for (const [workerSid, worker] of this.world.workers) {
      const last = this.workerVersions.get(workerSid);
      if (last && last.activity !== worker.activity) {
        last.version++;
        last.activity = worker.activity;
        this.push(workerSid, 'worker.activity.update', this.workerRaw(worker));
      }
      if (!last) this.workerVersions.set(workerSid, { version: 1, activity: worker.activity });
    }
    for (const task of this.world.tasks.values()) {
      if (!this.sockets.get(task.workerSid)?.size) continue;
      this.taskChanged(task);
    }
  }

  remember(task) {
    const status = RESERVATION_STATUS[task.status];
    const told = { status, version: 1, taskVersion: 1, participants: new Map() };
    this.told.set(task.sid, told);
    return told;
  }

  taskChanged(task) {
    let told = this.told.get(task.sid);
    const status = RESERVATION_STATUS[task.status];
    if (!told) {
      if (status !== 'pending') return; // never offered to this worker while it listened
      told = this.remember(task);
      this.push(task.workerSid, 'reservation.created', this.reservationRaw(task));
    }
    if (told.status !== status) {
      // Accepted and wrapped up between two looks: the SDK still needs `accepted` before `wrapup`.
      if (told.status === 'pending' && status === 'wrapping') this.step(task, told, 'accepted');
      this.step(task, told, status);
    }
    if (status === 'accepted' || status === 'wrapping') this.participantsChanged(task, told);
  }

  step(task, told, status) {
    told.status = status;
    told.version++;
    told.taskVersion++;
    const raw = this.reservationRaw(task, status);
    if (status === 'wrapping') this.push(task.workerSid, 'task.wrapup', raw.task);
    if (status === 'completed' && task.status === 'completed') this.push(task.workerSid, 'task.completed', raw.task);
    this.push(task.workerSid, RESERVATION_EVENT[status], raw);
  }

  /** participant.added / modified / removed for the task's conference, as the Interactions API sends them. */
  participantsChanged(task, told) {
    for (const p of this.conferenceOf(task)?.participants || []) {
      if (p.participantType === 'supervisor') continue;
      const prev = told.participants.get(p.callSid);
      if (prev && prev.state === participantState(p)) continue;
      this.tell(task, told, p, prev);
    }
  }

  /**
   * One participant event for `p`, whose last announced state was `prev`;
   * `added` announces a joined participant as new whatever was told before (Flex never had it).
   */
  tell(task, told, p, prev, { added = false } = {}) {
    const state = participantState(p);
    const seq = prev ? prev.seq + 1 : 1;
    told.participants.set(p.callSid, { state, seq });
    let event = 'participant.modified';
    let callback = p.onHold ? 'participant-hold' : 'participant-unhold';
    if (!prev || added) [event, callback] = ['participant.added', 'participant-join'];
    if (p.status !== 'joined') {
      if (!prev) return; // joined and left between two looks: nothing to tell
      [event, callback] = ['participant.removed', 'participant-leave'];
    } else if (!added && prev && prev.state.split('/')[2] !== String(p.muted)) callback = p.muted ? 'participant-mute' : 'participant-unmute';
    const raw = this.participantRaw(task, p, seq, callback);
    this.push(task.workerSid, event, { ...raw, participant_sid: raw.sid, channel_type: 'voice' });
  }

  // ── REST ────────────────────────────────────────────────────────────────

  /**
   * One proxied REST call from the worker `workerSid` (from its token).
   * @returns {{status: number, body: object}} body is the `payload` or `{message}`
   */
  rest({ url, method = 'GET', params = {} }, workerSid) {
    const me = `Workspaces/${WORKSPACE_SID}/Workers/${workerSid}`;
    const worker = this.world.workers.get(workerSid);
    if (!worker) return fail(403, `the token's worker ${workerSid} does not exist`);
    let m;
    const ok = (body) => ({ status: 200, body });
    if (url === me) {
      if (method === 'POST') this.updateWorker(worker, params);
      return ok(this.workerRaw(worker));
    }
    // Flex (a Supervisor client) reads the other workers on a call too, e.g. the one who transferred it.
    if ((m = url.match(new RegExp(`^Workspaces/${WORKSPACE_SID}/Workers/(WK\\w+)$`))) && method === 'GET') {
      const other = this.world.workers.get(m[1]);
      return other ? ok(this.workerRaw(other)) : fail(404, `no worker ${m[1]}`);
    }
    if (url === `Workspaces/${WORKSPACE_SID}/Activities`) return ok(page(ACTIVITIES.map(activityRaw)));
    if (url === `Workspaces/${WORKSPACE_SID}/TaskQueues` && method === 'GET') return ok(page(QUEUES.map(queueRaw)));
    if ((m = url.match(new RegExp(`^Workspaces/${WORKSPACE_SID}/TaskQueues/(WQ\\w+)$`))) && method === 'GET') {
      const queue = QUEUES.find((q) => q.sid === m[1]);
      return queue ? ok(queueRaw(queue)) : fail(404, `no queue ${m[1]}`);
    }
    if (url === `${me}/WorkerChannels`) return ok(page(Object.keys(CHANNELS).map((c) => this.channelRaw(worker, c))));
    if (url === `${me}/Reservations` && method === 'GET') {
      const live = [...this.world.tasks.values()].filter((t) => t.workerSid === workerSid && LIVE.has(t.status));
      return ok(page(live.map((t) => this.reservationRaw(t))));
    }
    if ((m = url.match(new RegExp(`^${me}/Reservations/(WR\\w+)$`)))) {
      const task = this.world.taskByReservation(m[1]);
      if (!task || task.workerSid !== workerSid) return fail(404, `no reservation ${m[1]} for worker ${workerSid}`);
      return method === 'POST' ? this.updateReservation(task, params) : ok(this.reservationRaw(task));
    }
    // Twilio.Supervisor#monitor: an instruction on another worker's reservation, addressed through its task.
    if ((m = url.match(new RegExp(`^Workspaces/${WORKSPACE_SID}/Tasks/(WT\\w+)/Reservations/(WR\\w+)$`)))) {
      const task = this.world.tasks.get(m[1]);
      if (!task || task.reservationSid !== m[2]) return fail(404, `no reservation ${m[2]} on task ${m[1]}`);
      if (method !== 'POST') return ok(this.reservationRaw(task));
      return this.supervise(task, params);
    }
    if ((m = url.match(new RegExp(`^Workspaces/${WORKSPACE_SID}/Tasks/(WT\\w+)$`)))) {
      const task = this.world.tasks.get(m[1]);
      if (!task) return fail(404, `no task ${m[1]}`);
      if (method === 'POST') this.updateTask(task, params);
      return ok(this.taskRaw(task));
    }
    if (url === `${me}/CustomerParticipant`) return this.holdCustomer(params);
    if (url === `${me}/HoldWorkerParticipant`) return this.holdWorker(params);
    if (url === `${me}/KickWorkerParticipant`) return this.kickWorker(params);
    if (url === `${me}/WorkerParticipant`) {
      const task = this.world.taskByReservation(params.ReservationSid);
      return task ? ok(this.reservationRaw(task)) : fail(404, `no reservation ${params.ReservationSid}`);
    }
    if (url === `${me}/Transfers` && method === 'POST') return this.transfer(params, workerSid);
    if ((m = url.match(/^v1\/Interactions\/(KD\w+)\/Channels$/))) {
      const task = this.taskOfInteraction(m[1]);
      if (!task) return fail(404, `no interaction ${m[1]}`);
      return ok({ channels: task.conferenceSid ? [{ sid: channelSid(task), type: 'voice', status: 'active', media_sid: task.conferenceSid, interaction_sid: m[1] }] : [] });
    }
    if ((m = url.match(/^v1\/Interactions\/(KD\w+)\/Channels\/(UO\w+)$/)) && method === 'POST') {
      // Flex completes a voice task by closing its interaction channel; Twilio then completes the task.
      const task = this.taskOfInteraction(m[1]);
      if (!task) return fail(404, `no interaction ${m[1]}`);
      if (params.status !== 'closed') return fail(400, `the local Interactions API only closes channels, not status ${params.status}`);
      this.world.complete(task.sid);
      return ok({ sid: m[2], interaction_sid: m[1], type: 'voice', status: 'closed', routing: { status: 'closed' } });
    }
    if ((m = url.match(/^v1\/Interactions\/(KD\w+)\/Channels\/(UO\w+)\/Participants$/))) {
      const task = this.taskOfInteraction(m[1]);
      if (!task) return fail(404, `no interaction ${m[1]}`);
      const told = this.told.get(task.sid);
      const listed = (this.conferenceOf(task)?.participants || []).filter((p) => p.status === 'joined' && p.participantType !== 'supervisor');
      const then = new Map(listed.map((p) => [p.callSid, participantState(p)]));
      if (told) {
        // What Flex reads here it knows, announced or not. The answer and the
        // events travel apart, and Flex subscribes to the events only once the
        // answer is in: an event sent meanwhile is lost. Seen under load: a
        // transferring worker who had left came back as joined for good, and
        // the agent's own leg, joining during the request, never appeared (so
        // Flex, counting one live participant, offered no hold button). Real
        // Twilio's join takes longer than this request; the local one does
        // not. So whoever changed since, or joined since, is told again.
        for (const p of listed) if (!told.participants.has(p.callSid)) told.participants.set(p.callSid, { state: then.get(p.callSid), seq: 1 });
        for (const after of RETELL_MS) {
          setTimeout(() => {
            for (const p of this.conferenceOf(task)?.participants || []) {
              if (p.participantType === 'supervisor') continue;
              const answered = then.get(p.callSid);
              if (answered === undefined && p.status === 'joined') this.tell(task, told, p, told.participants.get(p.callSid), { added: true });
              else if (answered !== undefined && participantState(p) !== answered) this.tell(task, told, p, told.participants.get(p.callSid));
            }
          }, after);
        }
      }
      const participants = listed.map((p) => this.participantRaw(task, p, told?.participants.get(p.callSid)?.seq ?? 1, 'participant-join'));
      return ok({ channel_type: 'voice', participants });
    }
    return fail(404, `the local TaskRouter has no ${method} ${url}`);
  }

  /**
   * Instruction=supervise: Twilio dials the supervisor's contact_uri into the task's conference as a
   * muted `supervisor` participant (SupervisorMode monitor). Only monitor is carried out here.
   */
  supervise(task, params) {
    if (params.Instruction !== 'supervise') return fail(400, `the local TaskRouter carries out only Instruction supervise on Tasks/${task.sid}/Reservations, not ${params.Instruction}`);
    const supervisor = this.world.workers.get(params.Supervisor);
    if (!params.Supervisor) return fail(400, 'Supervisor is required for Instruction supervise');
    if (!supervisor) return fail(400, `Supervisor ${params.Supervisor} is not a worker of workspace ${WORKSPACE_SID}`);
    if (!['monitor', 'whisper', 'barge'].includes(params.SupervisorMode)) return fail(400, `SupervisorMode must be monitor, whisper or barge, not ${params.SupervisorMode}`);
    if (params.SupervisorMode !== 'monitor') return fail(400, `the local TaskRouter supervises in monitor mode only, not ${params.SupervisorMode}`);
    if (task.status !== 'assigned' || !this.conferenceOf(task)) return fail(400, `reservation ${task.reservationSid} is ${RESERVATION_STATUS[task.status]}: only an accepted call can be supervised`);
    this.gateway.ring(task, 'monitor', supervisor)
      .catch((e) => this.log({ ch: 'taskrouter', error: `supervise ${task.reservationSid}: ${e.message}` }));
    return { status: 200, body: this.reservationRaw(task) };
  }

  updateWorker(worker, params) {
    if (params.ActivitySid) {
      const activity = activityBySid(params.ActivitySid);
      if (!activity) throw Object.assign(new Error(`no activity ${params.ActivitySid}`), { status: 400 });
      this.world.setActivity(worker.sid, activity[1]);
    }
  }

  updateReservation(task, params) {
    const before = this.reservationRaw(task);
    if (params.Instruction === 'conference') {
      if (task.status !== 'reserved') return fail(400, `reservation ${task.reservationSid} is ${RESERVATION_STATUS[task.status]}, not pending`);
      // The conference instruction dials the worker's contact_uri: the gateway rings its Devices.
      this.gateway.command({ id: 'taskrouter', role: 'observer' }, { type: 'task.accept', reservationSid: task.reservationSid })
        .catch((e) => this.log({ ch: 'taskrouter', error: `conference for ${task.reservationSid}: ${e.message}` }));
      return { status: 200, body: before };
    }
    if (params.Instruction) return fail(400, `the local TaskRouter does not carry out Instruction ${params.Instruction}`);
    switch (params.ReservationStatus) {
      case 'accepted': if (task.status === 'reserved') this.world.accept(task.reservationSid); break;
      case 'rejected': this.world.reject(task.reservationSid); break;
      case 'wrapping': this.world.wrap(task.sid); break;
      case 'completed': this.world.complete(task.sid); break;
      default: return fail(400, `unknown ReservationStatus ${params.ReservationStatus}`);
    }
    return { status: 200, body: this.reservationRaw(task) };
  }

  updateTask(task, params) {
    if (params.AssignmentStatus === 'wrapping') this.world.wrap(task.sid);
    if (params.AssignmentStatus === 'completed') this.world.complete(task.sid);
    if (params.Attributes) {
      task.attributes = typeof params.Attributes === 'string' ? JSON.parse(params.Attributes) : params.Attributes;
      const told = this.told.get(task.sid);
      if (told) told.taskVersion++;
      this.push(task.workerSid, 'task.updated', this.taskRaw(task));
    }
  }

  holdCustomer({ TaskSid, Hold }) {
    const task = this.world.tasks.get(TaskSid);
    const conf = task && this.conferenceOf(task);
    if (!conf) return fail(404, `task ${TaskSid} has no conference`);
    if (Hold !== undefined) this.world.hold(task.sid, conf.customerCallSid, String(Hold) === 'true');
    return { status: 200, body: this.taskRaw(task) };
  }

  holdWorker({ TaskSid, TargetWorkerSid, Hold }) {
    const task = this.world.tasks.get(TaskSid);
    if (!task) return fail(404, `no task ${TaskSid}`);
    // A worker who has left (say, after a cold transfer) is not in the conference: Twilio answers 404, not a server error.
    try { this.world.hold(task.sid, TargetWorkerSid, String(Hold) === 'true'); } catch (e) { return fail(404, e.message); }
    return { status: 200, body: this.taskRaw(task) };
  }

  kickWorker({ TaskSid, TargetWorkerSid }) {
    const task = this.world.tasks.get(TaskSid);
    const p = task && this.conferenceOf(task)?.participants.find((x) => x.workerSid === TargetWorkerSid && x.status === 'joined');
    if (!p) return fail(404, `worker ${TargetWorkerSid} is not on task ${TaskSid}'s call`);
    const leg = this.gateway.legs.get(p.callSid);
    if (leg) this.gateway.endLeg(leg, { why: 'KickWorkerParticipant' });
    else this.world.leave(p.callSid);
    return { status: 200, body: this.taskRaw(task) };
  }

  /** Flex's transfer: to a worker (WK…) or a queue (WQ…); a queue hands the call to its first other available worker. */
  transfer({ TaskSid, To, Mode = 'COLD', ReservationSid }, workerSid) {
    const task = this.world.tasks.get(TaskSid);
    if (!task) return fail(404, `no task ${TaskSid}`);
    let target = To;
    if (/^WQ/.test(To)) {
      const members = To === QUEUES[1].sid ? [AGENT.sid] : [AGENT.sid, OTHER.sid];
      target = members.find((w) => w !== workerSid && this.world.workers.get(w).activity === 'Available');
      if (!target) return fail(400, `nobody else in queue ${To} is available`);
    }
    try {
      const created = this.world.transferTask(task.sid, target);
      // The SDK's TransferDescriptor requires every one of these fields.
      return { status: 200, body: {
        sid: `TT${created.sid.slice(2)}`, task_sid: task.sid, date_created: secs(Date.now()), date_updated: secs(Date.now()), initiating_reservation_sid: ReservationSid ?? task.reservationSid,
        initiating_worker_sid: workerSid, initiating_queue_sid: QUEUES[0].sid, initiating_workflow_sid: WORKFLOW_SID, transfer_mode: Mode, transfer_to: To,
        transfer_type: /^WQ/.test(To) ? 'QUEUE' : 'WORKER', transfer_status: 'initiated',
      } };
    } catch (e) {
      return fail(400, e.message);
    }
  }

  // ── payloads (field lists from the SDK's validators; see REAL-FLEX-FACTS.md §2.2) ──

  conferenceOf(task) { return task.conferenceSid ? this.world.conferences.get(task.conferenceSid) : null; }

  taskOfInteraction(kd) {
    for (const t of this.world.tasks.values()) if (interactionSid(t) === kd) return t;
    return null;
  }

  workerRaw(worker) {
    const [sid, , available] = activityByName(worker.activity);
    const attributes = { contact_uri: `client:${worker.identity}`, full_name: worker.name, email: `${worker.identity}@example.com`, routing: { skills: [] } };
    return {
      account_sid: ACCOUNT_SID, activity_name: worker.activity, activity_sid: sid, attributes: JSON.stringify(attributes), available,
      date_created: secs(Date.now()) - 86400, date_status_changed: secs(worker.activityChangedAt), date_updated: secs(Date.now()),
      friendly_name: worker.identity, sid: worker.sid, workspace_sid: WORKSPACE_SID, version: String(this.workerVersions.get(worker.sid)?.version ?? 1),
    };
  }

  channelRaw(worker, channel) {
    const capacity = channel === 'voice' ? 5 : 3;
    const assigned = [...this.world.tasks.values()].filter((t) => t.workerSid === worker.sid && t.channel === channel && LIVE.has(t.status)).length;
    return {
      account_sid: ACCOUNT_SID, assigned_tasks: assigned, available: true, available_capacity_percentage: Math.max(0, Math.round(100 * (capacity - assigned) / capacity)),
      configured_capacity: capacity, date_created: secs(Date.now()) - 86400, date_updated: secs(Date.now()), last_reserved_time: null,
      sid: `WC${CHANNELS[channel].slice(2)}`, task_channel_sid: CHANNELS[channel], task_channel_unique_name: channel, worker_sid: worker.sid, workspace_sid: WORKSPACE_SID,
    };
  }

  taskRaw(task, status = RESERVATION_STATUS[task.status]) {
    const assignment = { pending: 'reserved', accepted: 'assigned', wrapping: 'wrapping', completed: 'completed', canceled: 'canceled', rejected: 'pending' }[status];
    const attributes = { ...task.attributes, flexInteractionSid: interactionSid(task), ...(task.channel === 'voice' ? { flexInteractionChannelSid: channelSid(task) } : {}) };
    const created = secs(task.dateCreated);
    return {
      addons: '{}', age: secs(Date.now()) - created, attributes: JSON.stringify(attributes), date_created: created, date_updated: secs(Date.now()),
      priority: 0, queue_name: QUEUES[0].name, queue_sid: QUEUES[0].sid, reason: null, routing_target: null, sid: task.sid, assignment_status: assignment,
      task_channel_unique_name: task.channel, task_channel_sid: CHANNELS[task.channel], timeout: 86400, workflow_name: 'Default', workflow_sid: WORKFLOW_SID,
      version: String(this.told.get(task.sid)?.taskVersion ?? 1), virtual_start_time: created,
    };
  }

  reservationRaw(task, status = RESERVATION_STATUS[task.status]) {
    return {
      account_sid: ACCOUNT_SID, date_created: secs(task.dateCreated), date_updated: secs(Date.now()), reservation_status: status, sid: task.reservationSid,
      reservation_timeout: 120, worker_sid: task.workerSid, workspace_sid: WORKSPACE_SID, version: String(this.told.get(task.sid)?.version ?? 1), task: this.taskRaw(task, status),
    };
  }

  participantRaw(task, p, seq, callback) {
    const worker = p.participantType === 'worker';
    const customer = this.world.customerOf(task.conferenceSid);
    const props = {
      AccountSid: ACCOUNT_SID, CallSid: p.callSid, ConferenceSid: task.conferenceSid, Coaching: false, EndConferenceOnExit: true,
      FriendlyName: task.sid, Hold: p.onHold, Muted: p.muted, SequenceNumber: seq, StartConferenceOnEnter: true,
      StatusCallbackEvent: callback, Timestamp: (Date.now() / 1000).toFixed(3),
      From: customer?.from ?? '', To: worker ? `client:${this.world.workers.get(p.workerSid)?.identity}` : customer?.from ?? '',
    };
    // Events reach Flex's task by routing_properties.task_sid: this worker's task, whoever the participant is.
    return {
      sid: `UT${p.callSid.slice(2)}`, channel_sid: channelSid(task), interaction_sid: interactionSid(task), type: worker ? 'agent' : 'customer',
      media_properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, [String(v)]])),
      routing_properties: worker
        ? { task_sid: task.sid, reservation_sid: p.workerSid === task.workerSid ? task.reservationSid : null, worker_sid: p.workerSid }
        : { task_sid: task.sid },
    };
  }

  close() {
    for (const set of this.sockets.values()) for (const ws of set) ws.close();
  }
}

const fail = (status, message) => ({ status, body: { message, status } });
const page = (contents) => ({ contents, after_sid: null });
const interactionSid = (task) => `KD${task.sid.slice(2)}`;
const channelSid = (task) => `UO${task.sid.slice(2)}`;
const queueRaw = ({ sid, name }) => ({
  account_sid: ACCOUNT_SID, sid, friendly_name: name, workspace_sid: WORKSPACE_SID, target_workers: name === 'Sales' ? 'contact_uri == "client:alice"' : '1==1',
  max_reserved_workers: 1, task_order: 'FIFO', lifo_queue: false, reservation_activity_name: null, reservation_activity_sid: null,
  assignment_activity_name: null, assignment_activity_sid: null, date_created: secs(Date.now()) - 86400, date_updated: secs(Date.now()) - 86400,
});
const activityRaw = ([sid, name, available]) => ({
  account_sid: ACCOUNT_SID, available, date_created: secs(Date.now()) - 86400, date_updated: secs(Date.now()) - 86400, friendly_name: name, sid, workspace_sid: WORKSPACE_SID,
});
