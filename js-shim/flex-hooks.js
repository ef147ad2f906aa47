// Flex hooks: where Flex events come in. Action listeners, the Redux store
// (task snapshots, selection, Flex's active call) and the events they feed;
// notifications and holds are carried out through Flex's own API.
import { PROMPT, log, errorText, sidOf, mark } from './util.js';
import { addCallsColumn } from './teams-view.js';
import { followActiveCall } from './live-comms-bar.js';

const EMPTY = new Map();

// Holds start in the page's next task, not in the listener's: the agent's
// microphone on those calls is muted already (in the listener), and Flex's
// own request for what the agent clicked (an un-hold, an accept) then leaves
// first, before what Flex renders for the holds. A timer where the page is
// shown (a message channel cost the listeners 80–130 µs more on the Flex
// double); a microtask in a background tab, where a timer waits a second.
const queued = [];
const runQueued = () => queued.splice(0).forEach((resolve) => resolve());
/** Resolves in the page's next task when it is shown (one timer for all asked for in this one), else after this task's microtasks. */
const nextTask = () => new Promise((resolve) => {
  if (typeof document === 'undefined' || document.visibilityState !== 'visible') return resolve();
  queued.push(resolve);
  if (queued.length === 1) setTimeout(runQueued, 0);
});

/** Host methods for Flex's actions, store and notifications (mixed into `Host`). */
export const flexHooks = {
  enable() {
    mark('enabling');
    const { flex, manager } = this;
    const { Actions, Notifications } = flex;
    const before = (name, handler) => {
      const fn = (payload) => this.beforeAction(() => handler(payload || {}));
      Actions.addListener(`before${name}`, fn);
      this.undo.push(() => Actions.removeListener(`before${name}`, fn));
    };
    const sid = (p) => p.sid || (p.task && p.task.sid);
    before('AcceptTask', (p) => {
      const task = p.task || this.taskBySid(p.sid);
      return { type: 'acceptingTask', task: sid(p) || '', isCall: !!(task && flex.TaskHelper.isCallTask(task)) };
    });
    // No listener on SelectTask: Flex awaits its before-listeners only when an
    // action has some, and one would move Flex's selection out of the click's
    // batched render into a render of its own (7–11 ms in real Flex), ahead of
    // an un-hold's request in the same click. The store pass sees the new
    // selection within Flex's dispatch (in a click, before React renders).
    before('UnholdCall', (p) => ({ type: 'unholding', task: sid(p) || '' }));
    before('UnholdParticipant', (p) => ({ type: 'unholding', task: sid(p) || '' }));
    before('MonitorCall', () => ({ type: 'monitoring' }));
    // Flex stops monitoring by disconnecting its active call: with several
    // calls the engine may cancel that and end the monitoring call itself.
    const onStopMonitoring = (payload, abort) => this.beforeAction(() => ({ type: 'stoppingMonitoring' }), abort);
    Actions.addListener('beforeStopMonitoringCall', onStopMonitoring);
    this.undo.push(() => Actions.removeListener('beforeStopMonitoringCall', onStopMonitoring));
    before('ToggleMute', () => ({ type: 'togglingMute' }));

    const onNotification = this.guard((n, cancel) => {
      if (!n || n.id !== PROMPT || this.dead) return;
      this.pendingPrompt = n.context;
      const cmds = this.feed({ type: 'notificationAdding', id: n.id });
      if (cmds.some((c) => c.type === 'cancel')) cancel();
    });
    Notifications.addListener('beforeAddNotification', onNotification);
    this.undo.push(() => Notifications.removeListener('beforeAddNotification', onNotification));

    if (manager.events && manager.events.addListener) {
      const onToken = this.guard((p) => {
        if (p && typeof p.token === 'string') this.latestToken = p.token;
        this.feed({ type: 'tokenUpdated' });
      });
      manager.events.addListener('tokenUpdated', onToken);
      this.undo.push(() => manager.events.removeListener && manager.events.removeListener('tokenUpdated', onToken));
    }

    this.attachFlexDevice(manager.voiceClient);
    const unsubscribe = manager.store.subscribe(this.guard(() => this.onStore()));
    this.undo.push(unsubscribe);
    // Flex may replace its Device without any store change; the sweep also
    // catches a task changed in place without a dispatch.
    const timer = setInterval(this.guard(() => this.onStore(true)), 500);
    this.undo.push(() => clearInterval(timer));
    this.undo.push(() => this.attachFlexDevice(undefined));
    mark('hooked');

    try {
      this.undo.push(addCallsColumn(flex, manager));
    } catch (e) {
      log('warn', `teams view calls column not replaced: ${errorText(e)}`);
    }
    mark('teams-view');
    try {
      this.undo.push(followActiveCall(flex, manager));
    } catch (e) {
      log('warn', `Flex's call bar off the agent desktop may name a held call: ${errorText(e)}`);
    }
    mark('call-bar');
    this.onStore();
  },

  taskBySid(sid) {
    const state = this.manager.store.getState();
    const tasks = state.flex && state.flex.worker && state.flex.worker.tasks;
    return (tasks && tasks.get && tasks.get(sid)) ||
      (this.flex.TaskHelper && this.flex.TaskHelper.getTaskByTaskSid && this.flex.TaskHelper.getTaskByTaskSid(sid));
  },

  /**
   * Copies what changed in Redux into the engine. Re-entrant safe: a command
   * carried out inside a pass may dispatch (PHONE_ADD_CALL), and Redux then
   * calls this listener again before the outer pass has finished. That inner
   * call only asks for another pass, so events always reach the engine in the
   * order Flex's state took, never an outer pass's stale value after a newer one.
   * `sweep` (the half-second timer) compares every task's snapshot whatever
   * changed, a safety net for a Flex object changed without a dispatch.
   */
  onStore(sweep = false) {
    if (this.dead) return;
    if (this.inStore) {
      this.storeAgain = true;
      return;
    }
    this.inStore = true;
    try {
      do {
        this.storeAgain = false;
        this.storePass(sweep);
      } while (this.storeAgain && !this.dead);
    } finally {
      this.inStore = false;
    }
  },

  /** One pass over Flex's state; returns early when a nested dispatch asks for another. */
  storePass(full) {
    this.checkFlexDevice();
    const flexState = this.manager.store.getState().flex || {};
    // Flex replaces these on every change it makes to them (a new Map and a
    // new task wrapper per reservation update; a new Map and a new conference
    // per conference update, which `task.conference` reads): when none is new,
    // nothing multi-call reads has changed, and a timer tick or an activity
    // change costs four comparisons whatever the number of tasks.
    const tasks = (flexState.worker && flexState.worker.tasks) || EMPTY;
    const conferences = (flexState.conferences && flexState.conferences.states) || EMPTY;
    const selected = (flexState.view && flexState.view.selectedTaskSid) || undefined;
    const activeCall = flexState.phone && flexState.phone.activeCall;
    const seen = this.seen;
    if (!full && seen.tasks === tasks && seen.conferences === conferences && seen.selected === selected && seen.activeCall === activeCall) return;
    seen.tasks = undefined; // a pass cut short is not skipped next time
    if (full || tasks !== this.lastTasks || conferences !== this.lastConferences) {
      for (const [sid, task] of tasks) {
        const conf = conferences.get(task.taskSid); // keyed by task sid, as `task.conference` reads it
        const known = this.taskSigs.get(sid);
        if (!full && known && known.task === task && known.conf === conf) continue;
        const snap = this.snapshot(sid, task);
        const sig = JSON.stringify(snap);
        const changed = !known || known.sig !== sig;
        this.taskSigs.set(sid, { task, conf, sig });
        if (changed) this.feed(snap);
        if (this.storeAgain) return;
      }
      for (const sid of [...this.taskSigs.keys()]) {
        if (tasks.has(sid)) continue;
        this.taskSigs.delete(sid);
        this.feed({ type: 'taskRemoved', task: sid });
        if (this.storeAgain) return;
      }
      this.lastTasks = tasks;
      this.lastConferences = conferences;
    }
    if (selected !== this.lastSelected) {
      this.lastSelected = selected;
      this.feed({ type: 'taskSelected', task: selected });
      if (this.storeAgain) return;
    }
    const active = sidOf(activeCall);
    if (active !== this.lastActive) {
      this.lastActive = active;
      this.feed({ type: 'activeCallChanged', call: active });
      if (this.storeAgain) return;
    }
    Object.assign(seen, { tasks, conferences, selected, activeCall });
  },

  /** A task's `taskChanged` event: Flex's participant fields are prototype getters, copied out. */
  snapshot(sid, task) {
    const conf = task.conference;
    const participants = ((conf && conf.participants) || []).map((p) => ({
      callSid: p.callSid,
      workerSid: p.workerSid,
      participantType: p.participantType,
      status: p.status,
      isCurrentWorker: p.isCurrentWorker,
      onHold: p.onHold,
      sequenceNumber: p.mediaProperties ? p.mediaProperties.sequenceNumber : undefined,
    }));
    const status = task.taskStatus || (task.status === 'accepted' ? 'assigned' : task.status) || '';
    return { type: 'taskChanged', sid, isCall: !!this.flex.TaskHelper.isCallTask(task), status, participants };
  },

  notify(id, level, message) {
    const { Notifications, NotificationType } = this.flex;
    if (!Notifications) return;
    const key = `multi-call-${id}`;
    const strings = this.manager.strings;
    if (strings && !strings[key]) strings[key] = message;
    const registered = Notifications.registeredNotifications;
    if (!(registered && registered.get && registered.get(key))) {
      const types = NotificationType || {};
      Notifications.registerNotification({
        id: key,
        content: strings ? key : message,
        type: (level === 'error' ? types.error : level === 'warning' ? types.warning : types.information) || level,
        timeout: level === 'error' ? 0 : 10000,
        closeButton: true,
      });
    }
    Notifications.showNotification(key);
  },

  /** Holds a participant with Flex's own action; no Flex action waits for it. */
  hold(taskSid, targetSid) {
    const settle = (error) => this.feed({ type: 'holdSettled', task: taskSid, target: targetSid, error });
    nextTask()
      .then(() => this.flex.Actions.invokeAction('HoldParticipant', { task: this.taskBySid(taskSid), targetSid }))
      .then(() => settle(undefined), (e) => settle(errorText(e)));
  },
};
