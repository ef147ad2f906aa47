// The fields the real SDKs require of each payload. twilio-taskrouter 2.1.1
// throws on a Task or Reservation that lacks one (and Flex then never shows
// the task), and Flex's participant decoder reads StatusCallbackEvent and
// Timestamp unguarded. Checking every pushed payload here turns a silent
// vanishing task into a failing test.

const TASK = ['addons', 'age', 'attributes', 'date_created', 'date_updated', 'priority', 'queue_name', 'queue_sid', 'reason', 'routing_target',
  'sid', 'assignment_status', 'task_channel_unique_name', 'task_channel_sid', 'timeout', 'workflow_name', 'workflow_sid', 'version', 'virtual_start_time'];
const RESERVATION = ['account_sid', 'date_created', 'date_updated', 'reservation_status', 'sid', 'task', 'reservation_timeout', 'worker_sid', 'workspace_sid', 'version'];
const WORKER = ['account_sid', 'activity_name', 'activity_sid', 'attributes', 'available', 'date_created', 'date_status_changed', 'date_updated',
  'friendly_name', 'sid', 'workspace_sid', 'version'];
const PARTICIPANT_PROPS = ['AccountSid', 'CallSid', 'ConferenceSid', 'Hold', 'Muted', 'SequenceNumber', 'StatusCallbackEvent', 'Timestamp'];

const missing = (obj, keys, where) => keys.filter((k) => !(k in obj)).map((k) => `${where}.${k} is missing`);

function task(t, where) {
  const out = missing(t, TASK, where);
  for (const k of ['attributes', 'addons']) if (k in t && typeof t[k] !== 'string') out.push(`${where}.${k} must be a JSON string`);
  for (const k of ['date_created', 'date_updated']) if (typeof t[k] === 'number' && t[k] > 1e11) out.push(`${where}.${k} must be epoch seconds`);
  return out;
}

/** What is wrong with `payload` for the event (or reply) `what`; empty when the SDK will accept it. */
export function checkShape(what, payload) {
  if (!payload || typeof payload !== 'object') return [`${what}: payload is not an object`];
  if (what.startsWith('reservation.')) {
    const out = missing(payload, RESERVATION, 'reservation');
    return payload.task ? out.concat(task(payload.task, 'reservation.task')) : out;
  }
  if (what.startsWith('task.')) return task(payload, 'task');
  if (what.startsWith('worker.')) return missing(payload, WORKER, 'worker');
  if (what.startsWith('participant.')) {
    const props = payload.media_properties || {};
    const out = missing(props, PARTICIPANT_PROPS, 'participant.media_properties');
    for (const [k, v] of Object.entries(props)) if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) out.push(`participant.media_properties.${k} must be an array of strings`);
    if (!payload.routing_properties || !payload.routing_properties.task_sid) out.push('participant.routing_properties.task_sid is missing');
    return out;
  }
  return [];
}
