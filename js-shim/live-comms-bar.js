// Flex's call bar outside the agent desktop (LiveCommsBar).
//
// Flex UI 2.17.1's LiveCommsBar.mapTaskStateToProps picks "the current call"
// as the first task in `flex.worker.tasks` that is a live call: with one call
// that is the call, with several it is the oldest, usually a held one. The
// bar then names the wrong customer, offers UNHOLD, and its hang-up and hold
// buttons act on a call the agent is not talking on. multi-call keeps Flex's
// active call equal to the call the agent hears, so the bar is given the task
// of that call instead (and its hold state); with no active call, or one
// multi-call cannot place, Flex's own choice stands.

/** The task whose conference carries `callSid` as the current worker's leg. */
function taskOfCall(tasks, callSid) {
  if (!callSid || !tasks) return undefined;
  for (const task of tasks.values()) {
    const participants = (task && task.conference && task.conference.participants) || [];
    if (participants.some((p) => p && p.isCurrentWorker && p.callSid === callSid)) return task;
  }
  return undefined;
}

/**
 * Makes Flex's LiveCommsBar show the task of Flex's active call; returns an
 * undo function (Flex has no way to remove a wrapper, so undo makes it a
 * pass-through).
 */
export function followActiveCall(flex, manager) {
  const React = (typeof window !== 'undefined' && window.React) || flex.React;
  const { LiveCommsBar, TaskHelper } = flex;
  if (!React || !LiveCommsBar || !LiveCommsBar.Content || typeof LiveCommsBar.Content.addWrapper !== 'function' || !TaskHelper) {
    throw new Error('Flex LiveCommsBar.Content.addWrapper is missing');
  }
  let on = true;
  // The bar's store listener runs on every dispatch: look again only when
  // the active call, the tasks or the conferences (which `task.conference`
  // reads) are new objects, so a dispatch that changes none costs three comparisons.
  let memo = {};
  const current = () => {
    if (!on) return undefined;
    try {
      const flexState = manager.store.getState().flex;
      const call = flexState.phone && flexState.phone.activeCall;
      const tasks = flexState.worker && flexState.worker.tasks;
      const conferences = flexState.conferences && flexState.conferences.states;
      if (memo.call === call && memo.tasks === tasks && memo.conferences === conferences) return memo.task;
      const sid = call && call.parameters && call.parameters.CallSid;
      const task = taskOfCall(tasks, sid);
      memo = { call, tasks, conferences, task };
      return task;
    } catch (_) {
      return undefined; // never break Flex's bar: its own choice stands
    }
  };
  LiveCommsBar.Content.addWrapper((Bar) => class MultiCallLiveCommsBar extends React.Component {
    componentDidMount() {
      // The bar's own props need not change when only the active call does
      // (for example when it moves to a held call after a hang-up).
      this.shown = current();
      this.unsubscribe = manager.store.subscribe(() => {
        const task = current();
        if (task !== this.shown) {
          this.shown = task;
          this.forceUpdate();
        }
      });
    }

    componentWillUnmount() {
      if (this.unsubscribe) this.unsubscribe();
    }

    render() {
      const task = current();
      if (!task || !TaskHelper.isLiveCall(task)) return React.createElement(Bar, this.props);
      let held = this.props.currentCallOnHold;
      try { held = !!TaskHelper.isCallOnHold(task); } catch (_) { /* keep Flex's value */ }
      return React.createElement(Bar, { ...this.props, currentCallTask: task, currentCallOnHold: held });
    }
  });
  return () => { on = false; };
}
