// The desktop's only contact with the Flex double (tests/flex-double/flex-double.js).
// The double plays Flex UI; this adapter connects it to the sandbox: Flex's
// server-side actions (accept, hold, monitor, complete) go to the gateway, and
// the gateway's task views are put into `flex.worker.tasks`.
//
// BINDING: every use of the double's API is in `bind()` below, so a change in
// the double's factory touches this function only.

/**
 * @param {{configuration, Device, token, backend, onChange}} opts
 * @returns {Promise<{flex, manager, putTasks, loadPlugin, notifications, refreshToken, teamTask}>}
 */
export async function createFlex(opts) {
  const double = window.FlexDouble;
  if (!double) throw new Error('the Flex double (tests/flex-double/flex-double.js) did not load');
  return bind(double, opts);
}

async function bind(double, { configuration, Device, token, backend, onChange }) {
  const { flex, manager, ...api } = await double.createFlex({ configuration, Device, token });
  const { Actions } = flex;

  // Flex's server side, here the gateway. `replaceAction` keeps every
  // before-listener (the plugin's) running first, as in Flex.
  const taskOf = (p) => p.task || flex.TaskHelper.getTaskByTaskSid?.(p.sid) || manager.store.getState().flex.worker.tasks.get(p.sid);
  const customerOf = (task) => task.conference?.participants.find((x) => x.participantType === 'customer' && x.status === 'joined');
  Actions.replaceAction('AcceptTask', async (p) => backend.acceptTask(taskOf(p).sid));
  Actions.replaceAction('RejectTask', async (p) => backend.rejectTask(taskOf(p).sid));
  Actions.replaceAction('CompleteTask', async (p) => backend.completeTask(taskOf(p).taskSid));
  Actions.replaceAction('HoldParticipant', async (p) => backend.holdParticipant(taskOf(p).taskSid, p.targetSid, true));
  Actions.replaceAction('UnholdParticipant', async (p) => backend.holdParticipant(taskOf(p).taskSid, p.targetSid, false));
  Actions.replaceAction('HoldCall', async (p) => backend.holdParticipant(taskOf(p).taskSid, customerOf(taskOf(p)).callSid, true));
  Actions.replaceAction('UnholdCall', async (p) => backend.holdParticipant(taskOf(p).taskSid, customerOf(taskOf(p)).callSid, false));
  Actions.replaceAction('MonitorCall', async (p) => backend.monitorCall(p.task.taskSid));
  Actions.replaceAction('StopMonitoringCall', async () => backend.stopMonitoring());

  manager.store.subscribe?.(onChange);

  return {
    flex,
    manager,
    /** Reconcile `flex.worker.tasks` with the gateway's view of Alice's tasks. */
    putTasks(views) {
      const keep = new Set(views.map((v) => v.sid));
      for (const sid of api.taskSids()) if (!keep.has(sid)) api.removeTask(sid);
      for (const v of views) api.upsertTask(toFlexTask(v));
    },
    loadPlugin: (url) => api.loadPlugin(url),
    notifications: () => api.notifications(),
    refreshToken: (t) => api.updateToken(t),
    /** A task object for MonitorCall from the team list (another worker's task). */
    teamTask: (view) => toFlexTask(view),
  };
}

/** The gateway's task view in the shape FLEX-FACTS §5 describes. */
function toFlexTask(v) {
  return {
    sid: v.sid, taskSid: v.taskSid, workerSid: v.workerSid,
    taskStatus: v.status, status: v.status === 'reserved' ? 'pending' : v.status === 'assigned' ? 'accepted' : v.status,
    taskChannelUniqueName: v.channel, channelType: v.channel, attributes: v.attributes,
    dateCreated: new Date(v.dateCreated),
    conference: v.conference && {
      conferenceSid: v.conference.sid,
      participants: v.conference.participants.map((p) => ({ ...p, mediaProperties: { sequenceNumber: p.sequenceNumber } })),
    },
  };
}
