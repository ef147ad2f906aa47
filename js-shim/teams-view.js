// Teams view: the "Calls" column.
//
// Flex UI 1.x lays a worker's call cards out in a FlexBox row that does not
// wrap (flex-ui 1.34.6 / flex-ui-core 0.60.5: FlexBox "flexWrap: nowrap"
// unless allowWrap), so calls after the first are cut off; there multi-call
// adds a column of its own that lists every accepted call and wraps. Every
// Flex UI 2.x checked (2.0.0, 2.10.0, 2.17.1) renders the cards in
// StyledFlexBox ("flex-wrap: wrap") with the same filter (isCallTask &&
// isTaskAccepted): the stock column already shows every call, so it is kept,
// as it is when the version is unknown. Never worse than stock.
//
// WorkersDataTable.Content.remove(key) is a standing request applied at every
// render to every child with that key, including ones added later: the
// replacement needs a key of its own, or the view has no calls column at all.

const STOCK = 'calls';
const COLUMN = 'multi-call-calls';

/** Whether this Flex UI's own calls column cuts calls off (Flex UI 1.x). */
function stockCallsColumnClips(version) {
  const m = /^v?(\d+)\./.exec(String(version || ''));
  return !!m && Number(m[1]) < 2;
}

/** Swaps the teams view calls column for multi-call's where Flex's clips; returns an undo function. */
export function addCallsColumn(flex, manager) {
  const React = (typeof window !== 'undefined' && window.React) || flex.React;
  const { WorkersDataTable, ColumnDefinition, TaskCardList, TaskHelper } = flex;
  if (!React || !WorkersDataTable || !WorkersDataTable.Content || !ColumnDefinition || !TaskCardList || !TaskHelper) {
    throw new Error('Flex teams view components (WorkersDataTable, ColumnDefinition, TaskCardList) are missing');
  }
  if (!stockCallsColumnClips(flex.VERSION)) return () => {};
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
  const undo = [
    WorkersDataTable.Content.remove(STOCK),
    WorkersDataTable.Content.add(
      React.createElement(ColumnDefinition, {
        key: COLUMN,
        header,
        style: { width: 230 },
        // TaskCardList's row does not wrap here, so each call gets its own
        // one-card list inside a wrapping container.
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
      // Where the stock column sat (Agent is 0, Calls 1 in Flex 1.x).
      { sortOrder: 1 },
    ),
  ];
  // Flex's add and remove return cleanup functions: undoing brings the stock column back.
  return () => undo.forEach((u) => typeof u === 'function' && u());
}
