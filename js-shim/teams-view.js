// Teams view: Flex's "calls" column shows one call per worker and cuts the
// rest off; this column lists every accepted call task and wraps.

const COLUMN = 'calls';

/** Replaces the teams view "calls" column; returns an undo function. */
export function addCallsColumn(flex, manager) {
  const React = (typeof window !== 'undefined' && window.React) || flex.React;
  const { WorkersDataTable, ColumnDefinition, TaskCardList, TaskHelper } = flex;
  if (!React || !WorkersDataTable || !ColumnDefinition || !TaskCardList || !TaskHelper) {
    throw new Error('Flex teams view components (WorkersDataTable, ColumnDefinition, TaskCardList) are missing');
  }
  // A throw inside a render would break the teams view: treat odd tasks as "not a call".
  const acceptedCall = (task) => {
    try {
      return !!(TaskHelper.isCallTask(task) && TaskHelper.isTaskAccepted(task));
    } catch (_) {
      return false;
    }
  };
  const strings = manager.strings || {};
  const callTasks = (item) => {
    try {
      return Array.from((item && item.tasks) || []).filter(acceptedCall);
    } catch (_) {
      return [];
    }
  };
  const header = strings.SupervisorCallsHeader || strings.ColumnHeaderCalls || 'Calls';
  WorkersDataTable.Content.remove(COLUMN);
  WorkersDataTable.Content.add(
    React.createElement(ColumnDefinition, {
      key: COLUMN,
      header,
      style: { width: 230 },
      // Flex's TaskCardList lays its cards out in a row that never wraps, so
      // each call gets its own one-card list inside a wrapping container.
      content: (item, ctx) => React.createElement(
        'div',
        { className: 'multi-call-calls', style: { display: 'flex', flexWrap: 'wrap', gap: '4px', whiteSpace: 'normal' } },
        callTasks(item).map((task) => React.createElement(TaskCardList, {
          key: task.sid,
          tasks: [task],
          filter: acceptedCall,
          onCardSelected: ctx && ctx.onTaskSelected,
          selectedTaskSid: ctx && ctx.selectedTask && ctx.selectedTask.sid,
          highlightedTaskSid: ctx && ctx.monitoredTaskSid,
          compact: true,
        })),
      ),
    }),
    { sortOrder: 1 },
  );
  // The column only displays Flex's own data, so it stays if multi-call turns off.
  return () => {};
}
