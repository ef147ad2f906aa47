// The desktop's only contact with the Flex double (tests/flex-double/flex-double.js,
// `FlexDouble.createFlexDouble`). The double plays Flex UI; this adapter connects
// it to the sandbox: Flex's server-side work (the conference after AcceptTask,
// hold, monitor, reject, complete) goes to the gateway, and the gateway's task
// views become the double's tasks in `flex.worker.tasks`.

const STATUS = { reserved: 'pending', assigned: 'accepted', wrapping: 'wrapping', completed: 'completed' };

/**
 * @param {{configuration, Device, token, identity, workerSid, backend, onChange}} opts
 * @returns {Promise<{flex, manager, putTasks, loadPlugin, notifications, refreshToken, teamTask}>}
 */
export async function createFlex({ configuration, Device, token, identity, workerSid, backend, onChange }) {
  if (!window.FlexDouble?.createFlexDouble) throw new Error('the Flex double (tests/flex-double/flex-double.js) did not load');
  const double = window.FlexDouble.createFlexDouble({
    config: configuration,
    DeviceClass: Device,
    token,
    identity,
    workerSid,
    // Tokens are minted in the gateway's format, so a refresh is accepted.
    makeToken: (id) => `sandbox.${id}.3600.${Math.random().toString(36).slice(2, 10)}`,
    // Flex's reservation.conference(): the gateway rings the agent's Devices.
    conference: (task) => { backend.acceptTask(task.sid).catch((e) => console.warn('[desktop] accept:', e.message)); },
    audio: { speaker: null, input: null }, // the browser's defaults
  });
  const flex = double.Flex;
  const { Actions, store } = double;
  FlexDouble.current = double;

  // Run the double's own implementation (its checks and local state), then tell the gateway.
  const customerSid = (task) => task.conference?.participants.find((p) => p.participantType === 'customer' && p.status === 'joined')?.callSid;
  const then = (name, after) => Actions.replaceAction(name, async (payload, original) => {
    const result = await original(payload);
    await after(payload);
    return result;
  });
  then('HoldParticipant', (p) => backend.holdParticipant(p.task.taskSid, p.targetSid, true));
  then('UnholdParticipant', (p) => backend.holdParticipant(p.task.taskSid, p.targetSid, false));
  then('HoldCall', (p) => backend.holdParticipant(p.task.taskSid, customerSid(p.task), true));
  then('UnholdCall', (p) => backend.holdParticipant(p.task.taskSid, customerSid(p.task), false));
  then('RejectTask', (p) => backend.rejectTask(p.task.sid));
  then('CompleteTask', (p) => backend.completeTask(p.task.taskSid));
  // Chat and other non-call tasks have no conference: accepting them is a reservation update only.
  then('AcceptTask', (p) => (flex.TaskHelper.isCallTask(p.task) ? undefined : backend.acceptTask(p.task.sid)));
  then('MonitorCall', (p) => backend.monitorCall(p.task.taskSid));

  store.subscribe(onChange);
  await double.ready;

  const known = new Map(); // reservation SID → JSON of the last view put into the double
  return {
    flex,
    manager: double.manager,
    double,
    /** Reconcile `flex.worker.tasks` with the gateway's view of the agent's tasks. */
    putTasks(views) {
      const keep = new Set(views.map((v) => v.sid));
      for (const sid of store.getState().flex.worker.tasks.keys()) {
        if (!keep.has(sid)) { known.delete(sid); store.dispatch({ type: 'DOUBLE_REMOVE_TASK', payload: sid }); }
      }
      for (const v of views) {
        const json = JSON.stringify(v);
        if (known.get(v.sid) === json) continue;
        known.set(v.sid, json);
        double.putTask(toTaskFields(v));
      }
    },
    /** Add the plugin as Flex does: <script async src>, then Plugins.init → awaited init(). */
    loadPlugin(url) {
      return new Promise((resolve) => {
        let registered = null;
        double._onPluginRegistered = (rec) => { registered = rec; };
        double.markPluginLoadStarted();
        const s = document.createElement('script');
        s.async = true;
        s.src = url;
        s.onload = () => (registered ? registered.promise.then(() => resolve(registered.state === 'failed' ? `failed: ${registered.error}` : registered.state))
          : resolve('failed: the script did not call Plugins.init'));
        s.onerror = () => resolve(`failed: ${url} did not load (run npm run build)`);
        document.head.appendChild(s);
      });
    },
    notifications: () => double.shownNotifications.filter((n) => !n.dismissed),
    refreshToken: () => double.refreshToken(),
    /** MonitorCall's payload for another worker's task (not in this worker's list). */
    teamTask: (view) => ({ sid: view.sid, taskSid: view.taskSid, taskChannelUniqueName: 'voice', attributes: view.attributes, workerSid: view.workerSid }),
  };
}

/** The gateway's task view as the double's task fields (FLEX-FACTS §5 shapes). */
function toTaskFields(v) {
  return {
    sid: v.sid, taskSid: v.taskSid, channel: v.channel, workerSid: v.workerSid,
    status: STATUS[v.status] || v.status, taskStatus: v.status,
    attributes: v.attributes, from: v.attributes.from, dateCreated: new Date(v.dateCreated),
    participants: v.conference ? v.conference.participants.map((p) => ({
      participantSid: p.participantSid, participantType: p.participantType, status: p.status, callSid: p.callSid,
      workerSid: p.workerSid, isCurrentWorker: p.isCurrentWorker, onHold: p.onHold, muted: p.muted,
      mediaProperties: { sequenceNumber: p.sequenceNumber },
    })) : undefined,
  };
}
