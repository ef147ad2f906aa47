// Generated audio, so nothing is ever fetched from Twilio's CDN and the fake
// microphone has something a noise suppressor will not erase.

/** The 15 sound names the Voice SDK loads at Device construction. */
export const SOUND_NAMES = [
  'incoming', 'outgoing', 'disconnect',
  'dtmf0', 'dtmf1', 'dtmf2', 'dtmf3', 'dtmf4', 'dtmf5', 'dtmf6', 'dtmf7', 'dtmf8', 'dtmf9',
  'dtmfs', 'dtmfh',
];

const RATE = 16000;

/** Encode mono float samples (-1..1) as a 16-bit PCM WAV file. */
export function wav(samples, rate = RATE) {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, s)) * 32767), i * 2));
  const head = Buffer.alloc(44);
  head.write('RIFF', 0); head.writeUInt32LE(36 + data.length, 4); head.write('WAVE', 8);
  head.write('fmt ', 12); head.writeUInt32LE(16, 16); head.writeUInt16LE(1, 20); head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24); head.writeUInt32LE(rate * 2, 28); head.writeUInt16LE(2, 32); head.writeUInt16LE(16, 34);
  head.write('data', 36); head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

/** Sum of sines, with 10 ms fades so clicks do not sound like faults. */
function tone(freqs, seconds, gain = 0.2, gaps = []) {
  const n = Math.round(seconds * RATE);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    if (gaps.some(([a, b]) => t >= a && t < b)) continue;
    const fade = Math.min(1, t / 0.01, (seconds - t) / 0.01);
    out[i] = fade * gain * freqs.reduce((acc, f) => acc + Math.sin(2 * Math.PI * f * t), 0) / freqs.length;
  }
  return out;
}

const DTMF = {
  1: [697, 1209], 2: [697, 1336], 3: [697, 1477], 4: [770, 1209], 5: [770, 1336], 6: [770, 1477],
  7: [852, 1209], 8: [852, 1336], 9: [852, 1477], s: [941, 1209], 0: [941, 1336], h: [941, 1477],
};

/** name → WAV buffer for every SDK sound. */
export function sdkSounds() {
  const sounds = {
    // A UK-style double ring, 3 s, looped by the SDK.
    incoming: wav(tone([400, 450], 3, 0.15, [[0.4, 0.6], [1.0, 3.0]])),
    outgoing: wav(tone([440], 0.3, 0.1)),
    disconnect: wav(tone([480, 620], 0.5, 0.1)),
  };
  for (const [key, freqs] of Object.entries(DTMF)) sounds[`dtmf${key}`] = wav(tone(freqs, 0.15, 0.15));
  return sounds;
}

/**
 * A speech-like fake microphone: voiced "syllables" (a gliding pitch with
 * harmonics and a little breath noise) separated by short pauses (`pauseMs`,
 * the shortest and longest). Chromium loops the file. A steady sine would be
 * removed by noise suppression.
 */
export function speechWav(seconds = 8, seed = 7, { pauseMs = [40, 160] } = {}) {
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const n = Math.round(seconds * RATE);
  const out = new Float32Array(n);
  let i = 0;
  while (i < n) {
    const len = Math.round((0.12 + rand() * 0.25) * RATE);
    const pause = Math.round(((pauseMs[0] + rand() * (pauseMs[1] - pauseMs[0])) / 1000) * RATE);
    const f0 = 110 + rand() * 120;
    const glide = (rand() - 0.5) * 60;
    let phase = 0;
    for (let k = 0; k < len && i < n; k++, i++) {
      const p = k / len;
      const f = f0 + glide * p;
      phase += (2 * Math.PI * f) / RATE;
      const env = Math.sin(Math.PI * p) ** 0.6;
      let s = 0;
      for (let h = 1; h <= 8; h++) s += Math.sin(h * phase) / h ** 1.2;
      out[i] = env * (0.28 * s + 0.04 * (rand() - 0.5));
    }
    i += pause;
  }
  return wav(out);
}
