// Token refresh through Flex's own path: with tokens that expire in 200 s,
// real Flex refreshes at the local iam endpoint (≤ 3 minutes before expiry,
// checked every ~15 s) and hands the new token to its SDKs; multi-call must
// hand it to every extra Device, and no call may drop.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferred, until, callOf } from './harness.mjs';

describe('token refresh in real Flex', () => {
  let s;
  before(async () => { s = await openFlex({ mode: 'standby', tokenTtl: 200 }); });
  after(async () => { await s?.close(); });

  test("Flex's refresh reaches Flex's Device and every extra Device; both calls stay up", async () => {
    const alice = () => s.gateway.snapshot().sessions.filter((x) => x.identity === 'alice');
    // The first token, taken before any refresh (under load Flex may refresh while the calls are set up).
    const before = new Set(alice().map((x) => x.lastToken));
    assert.equal(s.sandbox.settings.refreshes, 0, 'no refresh yet');
    const A = await inbound(s, 'Ada');
    const B = await transferred(s, 'Ben');
    await until(() => s.sandbox.settings.refreshes > 0, { timeout: 60000, every: 500, what: "Flex's token refresh" });
    // Every Device's signalling session (Flex's, the one carrying B, the idle standby) moves to one new token.
    await until(() => {
      const sessions = alice();
      const latest = new Set(sessions.map((x) => x.lastToken));
      return sessions.length >= 3 && latest.size === 1 && !before.has([...latest][0]) && sessions;
    }, { timeout: 30000, what: `the new token on every Device's socket: ${JSON.stringify(alice().map((x) => [x.id, x.tokens]))}` });
    for (const leg of [A.leg, B.leg]) assert.equal((await callOf(s, leg))?.status, 'open', `${leg} still open after the refresh`);
    // Flex hands the new token to its Conversations client too, which the local
    // Twilio refuses (chat is not simulated): that one rejection is expected.
    const errors = s.flex.consoleLog.filter((l) => l.includes('pageerror') && !l.includes('Conversations (chat) is not simulated'));
    assert.deepEqual(errors, [], 'no other uncaught error in the Flex page');
  });
});
