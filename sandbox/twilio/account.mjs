// The one Twilio account the local Twilio pretends to be: fixed SIDs, so a
// page reload, the tests and the logs all see the same names.

const fill = (prefix, ch) => prefix + ch.repeat(32);

export const ACCOUNT_SID = fill('AC', '0');
export const WORKSPACE_SID = fill('WS', '1');
export const WORKFLOW_SID = fill('WW', '2');
export const FLEX_INSTANCE_SID = fill('GO', '3');
export const FLEX_USER_SID = fill('FU', '4');
export const SYNC_SERVICE_SID = fill('IS', '5');
export const CHAT_SERVICE_SID = fill('IS', '6');
export const API_KEY_SID = fill('SK', '7');

/** Task channels and their SIDs. */
export const CHANNELS = { voice: fill('TC', '8'), chat: fill('TC', '9') };

/** TaskRouter activities: [sid, name, available]. */
export const ACTIVITIES = [
  [fill('WA', '0'), 'Offline', false],
  [fill('WA', '1'), 'Available', true],
  [fill('WA', '2'), 'Break', false],
];

/** Queues: every worker is in "Everyone"; "Sales" holds only Alice, for transfers to a queue. */
export const QUEUES = [
  { sid: fill('WQ', '0'), name: 'Everyone' },
  { sid: fill('WQ', '1'), name: 'Sales' },
];

export const activityByName = (name) => ACTIVITIES.find((a) => a[1] === name) || ACTIVITIES[1];
export const activityBySid = (sid) => ACTIVITIES.find((a) => a[0] === sid);
