// The Flex REST endpoints real Flex calls on the hard-coded Twilio hosts
// (flex-api, flex, iam, status, assets, sounds). The page's Service Worker
// forwards each such request here as /__twilio/<host><path>.
import {
  ACCOUNT_SID, WORKSPACE_SID, WORKFLOW_SID, FLEX_INSTANCE_SID, FLEX_USER_SID, CHAT_SERVICE_SID, SYNC_SERVICE_SID, QUEUES, ACTIVITIES,
} from './account.mjs';
import { mintToken, parseToken } from './token.mjs';
import { SOUND_NAMES, wav } from '../sounds.mjs';

/** multi-call's modes as Flex configurations (ui_attributes), as flex-config/ describes them. */
export const MODES = {
  standby: { multi_call: { enabled: true, mode: 'standby' }, allowIncomingWhileBusy: false },
  forward: { multi_call: { enabled: true, mode: 'forward' }, allowIncomingWhileBusy: true },
  off: { multi_call: { enabled: false }, allowIncomingWhileBusy: true },
};

/** The ui_attributes for `mode` on a server at `origin` (http://127.0.0.1:PORT): every SDK points here. */
export function uiAttributes(origin, mode, extra = {}) {
  const host = new URL(origin).host;
  const ws = origin.replace(/^http/, 'ws');
  const m = MODES[mode] || MODES.standby;
  return {
    custom_data: { features: { multi_call: { ...m.multi_call, ...(extra.multiCall || {}) } } },
    sdkOptions: {
      worker: { ebServer: `${origin}/v1/wschannels`, wsServer: `${ws}/v1/wschannels` },
      insights: { twilsock: { uri: `${ws}/v3/wsconnect?c=insights` } },
      chat: { twilsock: { uri: `${ws}/v3/wsconnect?c=chat` } },
      // chunderw is always dialled as wss://…/signal; the page rewrites it to ws:// on 127.0.0.1.
      voice: {
        chunderw: host, publishEvents: false, allowIncomingWhileBusy: m.allowIncomingWhileBusy,
        sounds: Object.fromEntries(SOUND_NAMES.map((n) => [n, `${origin}/sounds/${n}.wav`])),
        ...(extra.voice || {}),
      },
    },
    version_compatibility: 'yes',
    ...(extra.top || {}),
  };
}

/** The Configuration resource, as flex-api returns it. */
function configuration(uiAttrs) {
  const now = new Date().toISOString();
  return {
    account_sid: ACCOUNT_SID, date_created: now, date_updated: now, attributes: {}, status: 'ok', service_version: '1.0',
    taskrouter_workspace_sid: WORKSPACE_SID, taskrouter_target_workflow_sid: WORKFLOW_SID, taskrouter_target_taskqueue_sid: QUEUES[0].sid,
    taskrouter_taskqueues: QUEUES.map((q) => ({ sid: q.sid, targettable: true })), taskrouter_skills: [], taskrouter_worker_channels: {},
    taskrouter_worker_attributes: {}, taskrouter_offline_activity_sid: ACTIVITIES[0][0], runtime_domain: '127.0.0.1',
    messaging_service_instance_sid: null, chat_service_instance_sid: CHAT_SERVICE_SID, flex_service_instance_sid: SYNC_SERVICE_SID,
    flex_instance_sid: FLEX_INSTANCE_SID, ui_language: 'en', ui_dependencies: {}, ui_version: '2.17.1', call_recording_enabled: false,
    call_recording_webhook_url: null, ui_attributes: uiAttrs, crm_enabled: false, crm_type: 'custom', crm_callback_url: null, crm_fallback_url: null,
    crm_attributes: {}, public_attributes: {}, plugin_service_enabled: true, plugin_service_attributes: {}, integrations: [], outbound_call_flows: {},
    serverless_service_sids: [], queue_stats_configuration: null, notifications: { enabled: false, mode: 'whenNotInFocus' },
    markdown: { enabled: false, mode: 'readOnly' }, url: 'https://flex-api.twilio.com/v1/Configuration', flex_insights_hr: null,
    flex_insights_drilldown: false, flex_url: 'https://flex.twilio.com/local', channel_configs: [], debugger_integration: { enabled: false },
    flex_ui_status_report: { enabled: false }, agent_conv_end_methods: null, citrix_voice_vdi: { enabled: false }, offline_config: null,
  };
}

/** A 0.1 s silent WAV, for every sound Flex plays from a Twilio host. */
const SILENCE = wav(new Array(1600).fill(0));

/**
 * Answers one forwarded request. `ctx` holds the server's live settings:
 * { origin, uiAttributes(), plugins(), worker(identity) }.
 * @returns {{status: number, body: object|string|Buffer, type?: string}}
 */
export function flexRest(host, path, { method, body, authorization }, ctx) {
  const json = (b, status = 200) => ({ status, body: b });
  // Flex sends the token in the body (form or JSON) or as Basic auth, by endpoint: take the first JWT found.
  const identityOf = () => {
    const basic = /^Basic (.+)$/.exec(authorization || '');
    const text = `${body || ''} ${basic ? Buffer.from(basic[1], 'base64').toString('utf8') : ''}`;
    const jwt = /eyJ[\w-]*\.[\w-]+\.[\w-]+/.exec(decodeURIComponent(text.replace(/\+/g, ' ')));
    return jwt ? parseToken(jwt[0]) : null;
  };
  // What Flex learns of its token: Tokens/Info (Flex UI 2.14 on) or, before
  // it (2.8 to 2.12), iam's Tokens/validate, which names the expiry date_expired.
  const tokenInfo = () => {
    const claims = identityOf();
    if (!claims || claims.exp * 1000 <= Date.now()) return json({ message: 'token is not valid or has expired', status: 401 }, 401);
    const worker = ctx.worker(claims.identity);
    const expiry = new Date(claims.exp * 1000).toISOString();
    return json({ valid: true, account_sid: ACCOUNT_SID, identity: claims.identity, roles: ['agent', 'supervisor'], flex_user_sid: FLEX_USER_SID,
      worker_sid: worker?.sid ?? null, expiration: expiry, date_expired: expiry, permissions: [] });
  };
  if (host === 'iam.twilio.com' && /^\/v1\/Accounts\/AC\w+\/Tokens\/validate$/.test(path)) return tokenInfo();
  if (host === 'flex-api.twilio.com') {
    if (path === '/v1/Configuration') return json(configuration(ctx.uiAttributes()));
    if (/^\/v1\/Accounts\/AC\w+\/Tokens\/Info$/.test(path)) return tokenInfo();
    if (/\/Teams\/Context$/.test(path)) return json({ enabled: false });
    if (path === '/v1/account/provision/status') return json({ status: 'inactive' });
  }
  if (host === 'flex.twilio.com') {
    if (path.startsWith('/api/v1/Features')) return json({ enabled: false });
    if (path === '/api/v1/Session') return json({ features: [], insights_active: false });
    if (path === '/plugins') return json(ctx.plugins());
  }
  if (host === 'iam.twilio.com' && /\/Tokens\/refresh$/.test(path)) {
    const claims = identityOf();
    if (!claims) return json({ message: 'no token to refresh', status: 401 }, 401);
    const worker = ctx.worker(claims.identity);
    const token = mintToken({ identity: claims.identity, workerSid: worker?.sid, ttl: ctx.tokenTtl });
    ctx.onRefresh?.(claims.identity);
    return json({ token, identity: claims.identity, roles: ['agent', 'supervisor'], expiration: new Date(parseToken(token).exp * 1000).toISOString() });
  }
  if (host === 'status.twilio.com') return json({ status: { indicator: 'none', description: 'All Systems Operational' }, components: [], incidents: [], scheduled_maintenances: [] });
  if (/\.(mp3|wav)$/.test(path)) return { status: 200, body: SILENCE, type: 'audio/wav' };
  if (path.endsWith('.css')) return { status: 200, body: '/* local stand-in: no web fonts */', type: 'text/css' };
  if (path.endsWith('countries.json')) return json([]);
  if (path.endsWith('flagPositions.json')) return json({});
  if (/\.(png|svg|ico)$/.test(path)) return { status: 204, body: '' };
  return json({ message: `the local Twilio has no ${method} ${host}${path}`, status: 404 }, 404);
}
