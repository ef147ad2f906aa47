import { randomBytes } from 'node:crypto';

/** A Twilio-shaped SID: two-letter prefix and 32 hex digits (CA…, WT…, WR…). */
export const sid = (prefix) => prefix + randomBytes(16).toString('hex');

/** The `o=` line of an SDP: the same for a Device's re-sent SDP, new for a new peer. */
export const sdpOrigin = (sdp) => (/^o=.*$/m.exec(sdp || '') || [''])[0];
