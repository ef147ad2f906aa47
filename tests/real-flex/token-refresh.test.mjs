// Token refresh through Flex's own path: with tokens that expire in 70 s,
// real Flex refreshes at the local iam endpoint (checked every ~15 s: Flex UI
// 2.17 refreshes ≤ 3 minutes before expiry, 2.12 ≤ 1 minute, so both at every
// check) and hands the new token to its SDKs; multi-call must hand it to
// every extra Device, and no call may drop.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound, transferred, until, callOf } from './harness.mjs';

describe('token refresh in real Flex', () => {
  let s;
  before(async () => { s = await openFlex({ mode: 'standby', tokenTtl: 70 }); });
  after(async () => { await s?.close(); });

  test("Flex's refresh reaches Flex's Device and every extra Device; both calls stay up", async () => {
    const alice = () => s.gateway.snapshot().sessions.filter((x) => x.identity === 'alice');
    const A = await inbound(s, 'Ada');
    const B = await transferred(s, 'Ben');
    // Flex refreshes a 70 s token every ~15 s (it is always within a minute
    // of expiry), maybe already while the calls were set up: wait for one
    // after both are up, and compare with the tokens held just before it.
    const seen = s.sandbox.settings.refreshes;
    const before = new Set(alice().map((x) => x.lastToken));
    await until(() => s.sandbox.settings.refreshes > seen, { timeout: 60000, every: 500, what: "a token refresh by Flex once both calls are up" });
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
