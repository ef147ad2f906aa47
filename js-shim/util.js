// Small helpers every part of the shim uses.

/** Prefix of every console line multi-call writes. */
export const TAG = '[multi-call]';
/** The engine's id for Flex's own Device. */
export const FLEX = 0;
/** Flex's own "second call" prompt. */
export const PROMPT = 'SecondVoiceCallIncoming';

/** Writes one prefixed console line. */
export const log = (level, msg) => console[level](`${TAG} ${msg}`);
/** The readable text of anything thrown. */
export const errorText = (e) => (e && (e.message || e.toString && e.toString())) || String(e);
/** A Voice SDK call's CallSid. */
export const sidOf = (call) => call && call.parameters && call.parameters.CallSid;
/**
 * A User Timing mark (`multi-call:<step>`) of start-up, for DevTools'
 * performance panel and the benchmarks; never throws.
 */
export const mark = (step) => {
  try { performance.mark(`multi-call:${step}`); } catch (_) { /* no User Timing here */ }
};
