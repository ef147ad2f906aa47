// The gateway: signaling sessions of the agent's Devices, control clients
// (desktop, customer panel, tests) and the media legs between them. Media is
// peer to peer between the customer panel and a Device; the gateway relays
// non-trickle SDP and decides who rings, who wins, and who gets cancelled.
import { World, AGENT, OTHER } from './world.mjs';
import { SignalingSession } from './signaling.mjs';
import { sid, sdpOrigin } from './ids.mjs';

const ACCOUNT = 'AC' + '0'.repeat(32);
const REQUEST_TIMEOUT_MS = 10000;

export class Gateway {
  constructor({ quiet = true } = {}) {
    this.quiet = quiet;
    this.frames = [];                 // every frame in both directions (tests read it)
    this.sessions = new Set();        // signaling sessions
    this.clients = new Set();         // control clients
    this.legs = new Map();            // agent/monitor leg CallSid → leg
    this.pending = new Map();         // request id → resolver (replies from the customer panel)
    this.nextReq = 1;
    this.observers = [];              // the local Twilio's faces of the World (TaskRouter, Sync): `changed()` after each change
    this.world = new World({ changed: () => this.schedulePush(), log: (note) => this.log({ ch: 'gateway', note }) });
  }

  log(entry) {
    this.frames.push({ t: Date.now(), ...entry });
    if (this.frames.length > 20000) this.frames.splice(0, 5000);
    if (!this.quiet) console.log(JSON.stringify(entry));
  }

  // ── signaling ────────────────────────────────────────────────────────────

  attachSignal(ws) { this.sessions.add(new SignalingSession(ws, this)); }

  onListen() { this.schedulePush(); }

  onClose(session) { this.sessions.delete(session); this.schedulePush(); }

  registered(identity) {
    return [...this.sessions].filter((s) => s.identity === identity && s.registered);
  }

  /** Drop every signaling socket of an identity (a network blip). */
  dropSignaling(identity) {
    const victims = [...this.sessions].filter((s) => s.identity === identity);
    victims.forEach((s) => s.drop());
    return victims.length;
  }

  onCall(session, type, payload) {
    const leg = this.legs.get(payload.callsid);
    const run = {
      answer: () => this.answered(session, leg, payload),
      reject: () => leg?.invited.delete(session),
      hangup: () => this.hungUp(session, leg),
      invite: () => this.inviteFrom(session, leg, payload),
    }[type];
    Promise.resolve().then(run).catch((e) => this.log({ ch: 'gateway', error: String(e?.stack || e) }));
  }

  /** Ring every registered Device of `worker` (Alice by default) with the customer's offer. */
  async ring(task, kind, worker = AGENT) {
    const call = this.world.customerOf(task.conferenceSid);
    const leg = {
      callSid: sid('CA'), kind, identity: worker.identity, workerSid: worker.sid, taskSid: task.sid, reservationSid: task.reservationSid,
      customerCallSid: call.sid, state: 'offering', invited: new Set(), owner: null, origin: null,
      remoteSdp: null, reconnect: sid('RT'),
    };
    this.legs.set(leg.callSid, leg);
    const { sdp } = await this.request(call.owner, { type: 'leg.offer', callSid: leg.callSid, customerCallSid: call.sid, kind });
    if (leg.state !== 'offering') return leg;
    leg.remoteSdp = sdp;
    leg.state = 'ringing';
    const params = new URLSearchParams({ taskSid: task.sid, reservationSid: task.reservationSid, kind });
    for (const s of this.registered(leg.identity)) {
      leg.invited.add(s);
      s.send('invite', {
        callsid: leg.callSid, sdp, reconnect: leg.reconnect,
        parameters: { CallSid: leg.callSid, AccountSid: ACCOUNT, From: call.from, To: `client:${leg.identity}`, Params: params.toString() },
      });
    }
    if (!leg.invited.size) this.log({ ch: 'gateway', warn: `no registered Device for ${leg.identity}; ${leg.callSid} rings nowhere` });
    this.schedulePush();
    return leg;
  }

  /** First answer wins; every other ringing Device gets `cancel`. */
  answered(session, leg, { sdp }) {
    if (!leg || leg.state !== 'ringing') {
      if (leg) session.send('cancel', { callsid: leg.callSid });
      return;
    }
    this.connect(leg, session, sdp);
    this.send(this.customerOwner(leg), { type: 'leg.answer', callSid: leg.callSid, sdp });
  }

  connect(leg, session, localSdp) {
    for (const s of leg.invited) if (s !== session) s.send('cancel', { callsid: leg.callSid });
    const wasRinging = leg.state === 'ringing';
    Object.assign(leg, { state: 'answered', owner: session, origin: sdpOrigin(localSdp) });
    leg.answeredAt ??= Date.now();
    if (!wasRinging) return;
    const conf = this.world.conferences.get(this.world.tasks.get(leg.taskSid).conferenceSid);
    this.world.join(conf, { callSid: leg.callSid, participantType: leg.kind === 'monitor' ? 'supervisor' : 'worker', workerSid: leg.workerSid });
  }

  /**
   * An `invite` from a Device. With the leg's reconnect token and the SDP of
   * the Device already on the call it is a signaling reconnect (answer it);
   * with a new peer's SDP it is `connect({connectToken})` taking the call over.
   */
  async inviteFrom(session, leg, { callsid, sdp, reconnect }) {
    if (!leg || !reconnect || reconnect !== leg.reconnect || leg.state === 'ended') {
      this.log({ ch: 'gateway', warn: `invite for unknown or ended call ${callsid}: the sandbox places no outbound calls` });
      return session.send('hangup', { callsid });
    }
    if (leg.owner && sdpOrigin(sdp) === leg.origin) {
      leg.owner = session;
      return session.send('answer', { callsid, sdp: leg.remoteSdp, reconnect: leg.reconnect });
    }
    const reply = await this.request(this.customerOwner(leg), { type: 'leg.reoffer', callSid: leg.callSid, sdp });
    if (leg.state === 'ended') return session.send('hangup', { callsid });
    if (leg.owner && leg.owner !== session) leg.invited.add(leg.owner);
    leg.remoteSdp = reply.sdp;
    // The answer goes out before the conference hears of the leg, as with
    // Twilio, whose conference events reach Flex well after the Device's answer.
    session.send('answer', { callsid, sdp: reply.sdp, reconnect: leg.reconnect });
    this.connect(leg, session, sdp);
  }

  hungUp(session, leg) {
    if (!leg || leg.state === 'ended') return;
    if (leg.state === 'ringing' && leg.owner !== session) return void leg.invited.delete(session);
    this.endLeg(leg, { byDevice: true, why: `the Device on session ${session.id} hung up` });
    // The agent leaving ends the conference (endConferenceOnExit), as in Flex.
    if (leg.kind === 'agent') this.endCustomerCall(leg.customerCallSid);
  }

  endLeg(leg, { byDevice = false, why = 'ended' } = {}) {
    if (leg.state === 'ended') return;
    const was = leg.state;
    this.log({ ch: 'gateway', note: `${leg.kind} leg ${leg.callSid} (${was}) ends: ${why}` });
    leg.state = 'ended';
    if (!byDevice && was === 'answered') leg.owner?.send('hangup', { callsid: leg.callSid });
    if (!byDevice && was === 'ringing') for (const s of leg.invited) s.send('cancel', { callsid: leg.callSid });
    this.send(this.customerOwner(leg), { type: 'leg.end', callSid: leg.callSid });
    this.world.leave(leg.callSid);
  }

  endCustomerCall(callSid) {
    this.world.endCall(callSid);
    for (const leg of this.legs.values()) if (leg.customerCallSid === callSid) this.endLeg(leg, { why: `the customer's call ${callSid} ended` });
  }

  customerOwner(leg) { return this.world.calls.get(leg.customerCallSid)?.owner; }

  // ── control channel ──────────────────────────────────────────────────────

  attachControl(ws) {
    const client = { id: `C${this.nextReq++}`, ws, role: 'observer' };
    this.clients.add(client);
    ws.on('close', () => this.clients.delete(client));
    ws.on('message', async (data) => {
      let msg;
      try { msg = JSON.parse(String(data)); } catch { return; }
      if (msg.type !== 'reply') this.log({ ch: 'control', dir: 'in', client: client.id, type: msg.type });
      if (msg.type === 'reply') return this.pending.get(msg.reqId)?.(msg);
      try {
        const result = await this.command(client, msg);
        if (msg.reqId) this.send(client.id, { type: 'reply', reqId: msg.reqId, ok: true, result });
      } catch (e) {
        this.log({ ch: 'control', error: e.message, type: msg.type });
        if (msg.reqId) this.send(client.id, { type: 'reply', reqId: msg.reqId, ok: false, error: e.message });
      }
    });
  }

  /** What the pages (and tests) may ask of the gateway. */
  async command(client, msg) {
    const w = this.world;
    switch (msg.type) {
      case 'hello': client.role = msg.role; this.schedulePush(); return { clientId: client.id };
      // customer panel
      case 'call.place': return w.placeCall({ from: msg.from, worker: msg.worker === 'bob' ? OTHER.sid : AGENT.sid, owner: client.id }).sid;
      case 'call.transfer': return w.transfer(msg.callSid, AGENT.sid).sid;
      case 'call.hangup': return this.endCustomerCall(msg.callSid);
      case 'chat.start': return w.startChat({ from: msg.from }).sid;
      // desktop (Flex's actions reach TaskRouter and the conference through these)
      case 'task.accept': {
        const task = w.accept(msg.reservationSid);
        if (task.channel === 'voice') await this.ring(task, 'agent');
        return task.sid;
      }
      case 'task.reject': return w.reject(msg.reservationSid);
      case 'task.complete': return w.complete(msg.taskSid);
      case 'participant.hold': return w.hold(msg.taskSid, msg.targetSid, !!msg.onHold).onHold;
      case 'call.monitor': {
        const task = w.tasks.get(msg.taskSid);
        if (!task || task.status !== 'assigned') throw new Error(`task ${msg.taskSid} has no live call to monitor`);
        return (await this.ring(task, 'monitor')).callSid;
      }
      case 'monitor.stop': {
        for (const leg of this.legs.values()) if (leg.kind === 'monitor') this.endLeg(leg, { why: 'monitoring stopped' });
        return null;
      }
      // tests and debugging
      case 'signal.drop': return this.dropSignaling(msg.identity || AGENT.identity);
      default: throw new Error(`unknown command ${msg.type}`);
    }
  }

  send(clientId, msg) {
    for (const c of this.clients) {
      if (c.id === clientId && c.ws.readyState === 1) c.ws.send(JSON.stringify(msg));
    }
  }

  /** Ask a control client something and wait for its `reply`. */
  request(clientId, msg) {
    const reqId = `G${this.nextReq++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(reqId); reject(new Error(`${msg.type}: no reply from ${clientId}`)); }, REQUEST_TIMEOUT_MS);
      this.pending.set(reqId, (reply) => {
        clearTimeout(timer);
        this.pending.delete(reqId);
        reply.ok === false ? reject(new Error(reply.error)) : resolve(reply);
      });
      this.send(clientId, { ...msg, reqId });
    });
  }

  schedulePush() {
    if (this.pushQueued) return;
    this.pushQueued = true;
    queueMicrotask(() => { this.pushQueued = false; this.push(); });
  }

  /** Every client gets the whole state it shows; the pages reconcile. */
  push() {
    // A worker who left the conference (a cold transfer away) has their leg hung up.
    for (const leg of this.legs.values()) {
      if (leg.state !== 'answered' || leg.kind !== 'agent') continue;
      const conf = this.world.conferences.get(this.world.tasks.get(leg.taskSid)?.conferenceSid);
      if (conf?.participants.some((p) => p.callSid === leg.callSid && p.status === 'left')) this.endLeg(leg, { why: 'its participant left the conference' });
    }
    for (const o of this.observers) {
      try { o.changed(); } catch (e) { this.log({ ch: 'gateway', error: `observer: ${e.stack || e}` }); }
    }
    for (const c of this.clients) {
      if (c.role === 'desktop') this.send(c.id, { type: 'tasks', tasks: this.world.tasksFor(AGENT.sid), team: this.world.team() });
      else if (c.role === 'customer') this.send(c.id, { type: 'calls', calls: this.world.callsFor(c.id), legs: this.legsView(c.id) });
      else this.send(c.id, { type: 'world', snapshot: this.snapshot() });
    }
  }

  legsView(owner) {
    return [...this.legs.values()].filter((l) => this.customerOwner(l) === owner)
      .map((l) => ({ callSid: l.callSid, kind: l.kind, state: l.state, customerCallSid: l.customerCallSid }));
  }

  /** Plain state for tests and /api/state. */
  snapshot() {
    return {
      tasks: [...this.world.tasks.values()].map((t) => this.world.taskView(t, AGENT.sid)),
      calls: [...this.world.calls.values()].map((c) => ({ sid: c.sid, from: c.from, status: c.status, onHold: this.world.customerOnHold(c) })),
      legs: [...this.legs.values()].map((l) => ({ callSid: l.callSid, kind: l.kind, state: l.state, customerCallSid: l.customerCallSid, owner: l.owner?.id ?? null })),
      sessions: [...this.sessions].map((s) => ({ id: s.id, identity: s.identity, registered: s.registered, tokens: s.tokens.length, lastToken: s.tokens.at(-1) })),
    };
  }

  close() {
    for (const s of this.sessions) s.close();
    for (const c of this.clients) c.ws.close();
  }
}
