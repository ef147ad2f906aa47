// What the sandbox's far ends negotiate decides what a muted agent's browser
// sends, which the switching benchmark measures both ways: Chromium's far
// ends offer comfort noise (`CN`), and a muted sender then sends a
// comfort-noise frame about every 100 ms; without it (`?cn=off` on the
// customer page) the sender keeps sending PCMU silence at 50 packets a second.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openFlex, inbound } from './harness.mjs';

/** Keeps every RTCPeerConnection the page makes, for their SDP and stats. */
const KEEP_PEERS = `(() => {
  const Native = window.RTCPeerConnection;
  if (!Native) return;
  window.peers = [];
  window.RTCPeerConnection = class RTCPeerConnection extends Native {
    constructor(...args) { super(...args); window.peers.push(this); }
  };
})();`;

/** The agent's open peer connection: its far end's SDP and the packets it has sent. */
const agentLeg = (s) => s.flex.evaluate(async () => {
  const pc = window.peers.find((p) => p.connectionState !== 'closed');
  let sent = 0;
  for (const r of (await pc.getStats()).values()) if (r.type === 'outbound-rtp' && r.kind === 'audio') sent += r.packetsSent;
  return { farSdp: pc.remoteDescription.sdp, sent, at: performance.now() };
});

describe('far ends without comfort noise in real Flex', () => {
  let s;
  after(async () => { await s?.close(); });

  /** Packets a second the agent's browser sends over one second of its call muted. */
  const mutedRate = async () => {
    await s.flex.evaluate(() => window.Twilio.Flex.Manager.getInstance().store.getState().flex.phone.activeCall.mute(true));
    const from = await agentLeg(s);
    await new Promise((r) => setTimeout(r, 1000));
    const to = await agentLeg(s);
    return ((to.sent - from.sent) * 1000) / (to.at - from.at);
  };

  test("the default far end (Chromium's offer) has CN: a muted agent sends comfort noise, a few packets a second", async () => {
    s = await openFlex({ mode: 'off', initScripts: [{ content: KEEP_PEERS }] });
    await inbound(s, 'Ada');
    assert.match((await agentLeg(s)).farSdp, /CN\/8000/, 'the far end offers comfort noise');
    const perSecond = await mutedRate();
    assert.ok(perSecond < 25, `a muted sender with comfort noise sends ${perSecond.toFixed(1)} packets a second`);
    await s.close();
    s = undefined;
  });

  test('cn=off: the far end offers no CN, and a muted agent keeps sending voice packets', async () => {
    s = await openFlex({ mode: 'off', comfortNoise: false, initScripts: [{ content: KEEP_PEERS }] });
    await inbound(s, 'Ada');
    const leg = await agentLeg(s);
    assert.match(leg.farSdp, /PCMU\/8000/, 'the far end offers PCMU');
    assert.doesNotMatch(leg.farSdp, /CN\/\d+/, 'the far end offers no comfort noise');
    // 50 a second at 20 ms per packet.
    const perSecond = await mutedRate();
    assert.ok(perSecond > 35, `a muted sender without comfort noise sends ${perSecond.toFixed(1)} packets a second`);
  });
});
