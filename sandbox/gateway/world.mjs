// A small model of TaskRouter and Twilio conferences: just enough state for
// the agent desktop (tasks, reservations, participants) and the customer
// panel (calls and whether they are held). Media legs live in legs.mjs.
import { sid } from './ids.mjs';

/** The workers. Alice is the person at the desktop; Bob is simulated. */
export const AGENT = { sid: 'WK' + 'a'.repeat(32), identity: 'alice', name: 'Alice', activity: 'Available', activityChangedAt: Date.now() };
export const OTHER = { sid: 'WK' + 'b'.repeat(32), identity: 'bob', name: 'Bob (simulated)', activity: 'Available', activityChangedAt: Date.now() };

const LIVE_TASK = new Set(['reserved', 'assigned', 'wrapping']);

export class World {
  /** @param {{changed: () => void, log?: (note: string) => void}} hooks called after every state change, and with a note on what the world did by itself */
  constructor(hooks) {
    this.hooks = hooks;
    // Copies: a World changes its workers (activity), and each test or server starts a fresh one.
    this.workers = new Map([AGENT, OTHER].map((w) => [w.sid, { ...w, activityChangedAt: Date.now() }]));
    this.calls = new Map();        // customer CallSid → customer call
    this.conferences = new Map();  // CF… → conference
    this.tasks = new Map();        // WT… → task (one reservation each)
  }

  // ── customers ────────────────────────────────────────────────────────────

  /** A customer calls in; the task is offered to `worker` (Bob answers at once). */
  placeCall({ from, worker = AGENT.sid, owner }) {
    const call = { sid: sid('CA'), from, status: 'in-progress', owner, conferenceSid: sid('CF') };
    this.calls.set(call.sid, call);
    const conf = { sid: call.conferenceSid, customerCallSid: call.sid, participants: [], nextSeq: 1 };
    this.conferences.set(conf.sid, conf);
    this.join(conf, { callSid: call.sid, participantType: 'customer' });
    const task = this.offer({ worker, channel: 'voice', conf, from });
    if (worker === OTHER.sid) this.accept(task.reservationSid);
    this.hooks.changed();
    return call;
  }

  /** A chat: a task with no call, to check that accepting it holds nothing. */
  startChat({ from }) {
    const task = this.offer({ worker: AGENT.sid, channel: 'chat', conf: null, from });
    this.hooks.changed();
    return task;
  }

  /** Bob transfers the customer's call: a new reservation on the same conference. */
  transfer(callSid, worker = AGENT.sid) {
    const call = this.calls.get(callSid);
    if (!call || call.status !== 'in-progress') throw new Error(`no live call ${callSid}`);
    const conf = this.conferences.get(call.conferenceSid);
    const task = this.offer({ worker, channel: 'voice', conf, from: call.from, transfer: true });
    this.hooks.changed();
    return task;
  }

  offer({ worker, channel, conf, from, transfer = false }) {
    const task = {
      sid: sid('WT'), reservationSid: sid('WR'), workerSid: worker, channel,
      status: 'reserved', conferenceSid: conf?.sid ?? null, dateCreated: Date.now(),
      attributes: {
        from, name: from, direction: 'inbound', channelType: channel,
        ...(conf ? { call_sid: conf.customerCallSid, conference: { sid: conf.sid } } : {}),
        ...(transfer ? { transferTargetType: 'worker' } : {}),
      },
    };
    this.tasks.set(task.sid, task);
    return task;
  }

  /** AcceptTask: the reservation is accepted; simulated workers join at once. */
  accept(reservationSid) {
    const task = this.taskByReservation(reservationSid);
    if (!task || task.status !== 'reserved') throw new Error(`reservation ${reservationSid} is not pending`);
    task.status = 'assigned';
    if (task.workerSid === OTHER.sid && task.conferenceSid) {
      this.join(this.conferences.get(task.conferenceSid),
        { callSid: sid('CA'), participantType: 'worker', workerSid: OTHER.sid });
    }
    this.hooks.changed();
    return task;
  }

  /** A worker's TaskRouter activity changed (by name: Available, Offline, Break). */
  setActivity(workerSid, activity) {
    const worker = this.workers.get(workerSid);
    if (!worker) throw new Error(`no worker ${workerSid}`);
    if (worker.activity !== activity) Object.assign(worker, { activity, activityChangedAt: Date.now() });
    this.hooks.changed();
    return worker;
  }

  /** The worker moved an accepted task to wrap-up (its call may already have ended). */
  wrap(taskSid) {
    const task = this.tasks.get(taskSid);
    if (task && task.status === 'assigned') task.status = 'wrapping';
    this.hooks.changed();
    return task;
  }

  /**
   * The worker on `taskSid` transfers its call to another worker (cold: it
   * leaves once the new one joins): a new reservation on the same conference.
   * A simulated worker accepts at once.
   */
  transferTask(taskSid, toWorkerSid) {
    const from = this.tasks.get(taskSid);
    if (!from || !from.conferenceSid || from.status !== 'assigned') throw new Error(`task ${taskSid} has no live call to transfer`);
    if (!this.workers.has(toWorkerSid)) throw new Error(`no worker ${toWorkerSid}`);
    const conf = this.conferences.get(from.conferenceSid);
    const task = this.offer({ worker: toWorkerSid, channel: 'voice', conf, from: from.attributes.from, transfer: true });
    if (toWorkerSid === OTHER.sid) this.accept(task.reservationSid);
    this.hooks.changed();
    return task;
  }

  reject(reservationSid) {
    const task = this.taskByReservation(reservationSid);
    if (task && task.status === 'reserved') task.status = 'canceled';
    this.hooks.changed();
  }

  /** Wrap-up done: the task leaves the worker's list. */
  complete(taskSid) {
    const task = this.tasks.get(taskSid);
    if (task && task.status !== 'reserved') task.status = 'completed';
    this.hooks.changed();
  }

  // ── conferences ──────────────────────────────────────────────────────────

  join(conf, { callSid, participantType, workerSid = null }) {
    // A supervisor in monitor mode joins muted: the conference hears nothing from it.
    const p = { participantSid: callSid, callSid, participantType, workerSid, status: 'joined',
      onHold: false, muted: participantType === 'supervisor', sequenceNumber: conf.nextSeq++ };
    conf.participants.push(p);
    // A cold transfer: once the new worker is in, the worker who transferred leaves.
    if (participantType === 'worker') {
      for (const other of conf.participants) {
        if (other.participantType === 'worker' && other !== p && other.status === 'joined') {
          other.status = 'left';
          this.hooks.log?.(`worker ${other.workerSid} (${other.callSid}) leaves conference ${conf.sid}: worker ${workerSid} (${callSid}) joined (a cold transfer)`);
          for (const t of this.tasks.values()) {
            // Alice (a real Flex) wraps up, as TaskRouter's reservation does; Bob is done.
            if (t.conferenceSid === conf.sid && t.workerSid === other.workerSid && t.status === 'assigned') t.status = other.workerSid === AGENT.sid ? 'wrapping' : 'completed';
          }
        }
      }
    }
    this.hooks.changed();
    return p;
  }

  /** A participant's leg ended (the conference itself may go on). */
  leave(callSid) {
    for (const conf of this.conferences.values()) {
      for (const p of conf.participants) if (p.callSid === callSid && p.status === 'joined') p.status = 'left';
    }
    this.hooks.changed();
  }

  /**
   * HoldParticipant/UnholdParticipant: `targetSid` is a workerSid for worker
   * participants and a callSid otherwise (as Flex sends it).
   * @returns the participant, or throws when there is none
   */
  hold(taskSid, targetSid, onHold) {
    const task = this.tasks.get(taskSid);
    const conf = task && this.conferences.get(task.conferenceSid);
    const p = conf?.participants.find((x) => x.status === 'joined' &&
      (x.participantType === 'worker' ? x.workerSid === targetSid : x.callSid === targetSid));
    if (!p) throw new Error(`no joined participant ${targetSid} in task ${taskSid}`);
    p.onHold = onHold;
    p.holdChangedAt = Date.now();
    this.hooks.changed();
    return p;
  }

  /** The customer's call ended: everyone leaves, the workers' tasks go to wrap-up. */
  endCall(callSid) {
    const call = this.calls.get(callSid);
    if (!call || call.status === 'completed') return [];
    call.status = 'completed';
    const conf = this.conferences.get(call.conferenceSid);
    const left = conf.participants.filter((p) => p.status === 'joined');
    for (const p of left) p.status = 'left';
    for (const t of this.tasks.values()) {
      if (t.conferenceSid !== conf.sid) continue;
      if (t.status === 'assigned') t.status = t.workerSid === OTHER.sid ? 'completed' : 'wrapping';
      if (t.status === 'reserved') t.status = 'canceled';
    }
    this.hooks.changed();
    return left;
  }

  // ── lookups and snapshots ────────────────────────────────────────────────

  taskByReservation(reservationSid) {
    for (const t of this.tasks.values()) if (t.reservationSid === reservationSid) return t;
    return null;
  }

  customerOf(conferenceSid) {
    const conf = this.conferences.get(conferenceSid);
    return conf && this.calls.get(conf.customerCallSid);
  }

  customerOnHold(call) {
    const conf = this.conferences.get(call.conferenceSid);
    return !!conf?.participants.find((p) => p.callSid === call.sid && p.onHold);
  }

  /** The worker's live tasks, as the desktop puts them into `flex.worker.tasks`. */
  tasksFor(workerSid) {
    return [...this.tasks.values()]
      .filter((t) => t.workerSid === workerSid && LIVE_TASK.has(t.status))
      .map((t) => this.taskView(t, workerSid));
  }

  taskView(t, viewerSid) {
    const conf = t.conferenceSid && this.conferences.get(t.conferenceSid);
    return {
      sid: t.reservationSid, taskSid: t.sid, workerSid: t.workerSid, status: t.status,
      channel: t.channel, attributes: t.attributes, dateCreated: t.dateCreated,
      conference: conf ? {
        sid: conf.sid,
        participants: conf.participants.map((p) => ({ ...p, isCurrentWorker: p.workerSid === viewerSid })),
      } : null,
    };
  }

  /** Other workers' live calls, which the supervisor may monitor. */
  team() {
    return [...this.tasks.values()]
      .filter((t) => t.workerSid !== AGENT.sid && t.status === 'assigned' && t.channel === 'voice')
      .map((t) => ({ worker: this.workers.get(t.workerSid).name, ...this.taskView(t, AGENT.sid) }));
  }

  /** The customer panel's view of its calls. */
  callsFor(owner) {
    return [...this.calls.values()].filter((c) => c.owner === owner).map((c) => {
      const conf = this.conferences.get(c.conferenceSid);
      const worker = conf.participants.filter((p) => p.participantType === 'worker' && p.status === 'joined')
        .map((p) => this.workers.get(p.workerSid).name).join(', ');
      return { sid: c.sid, from: c.from, status: c.status, onHold: this.customerOnHold(c), worker };
    });
  }
}
