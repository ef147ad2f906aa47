// Access tokens: JWT-shaped, as Flex, the TaskRouter SDK and the Voice SDK
// decode them (none of them checks the signature; Flex asks Tokens/Info).
import { ACCOUNT_SID, API_KEY_SID, WORKSPACE_SID, SYNC_SERVICE_SID, CHAT_SERVICE_SID } from './account.mjs';

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A token for `identity` (a worker when `workerSid` is given), valid for `ttl` seconds. */
export function mintToken({ identity, workerSid = null, ttl = 3600 }) {
  const iat = Math.floor(Date.now() / 1000);
  const grants = { identity, voice: { incoming: { allow: true } }, data_sync: { service_sid: SYNC_SERVICE_SID }, chat: { service_sid: CHAT_SERVICE_SID } };
  if (workerSid) grants.task_router = { workspace_sid: WORKSPACE_SID, worker_sid: workerSid, role: 'worker' };
  const jti = `${API_KEY_SID}-${iat}-${Math.random().toString(36).slice(2, 8)}`;
  return `${b64({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' })}.${b64({ jti, iss: API_KEY_SID, sub: ACCOUNT_SID, iat, exp: iat + ttl, grants })}.bG9jYWw`;
}

/** The claims of a token minted here, or null when it is not one. */
export function parseToken(token) {
  const parts = String(token || '').split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (!claims.grants || typeof claims.grants.identity !== 'string' || typeof claims.exp !== 'number') return null;
    return { identity: claims.grants.identity, workerSid: claims.grants.task_router?.worker_sid ?? null, exp: claims.exp, ttl: claims.exp - claims.iat };
  } catch {
    return null;
  }
}
