// `npm start`: the real Flex agent desktop with multi-call against the local Twilio.
//   node sandbox/start.mjs [--mode standby|forward|off] [--latency MS] [--port N]
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { startSandbox } from './server.mjs';
import { MODES } from './twilio/flex-rest.mjs';

const usage = 'usage: node sandbox/start.mjs [--mode standby|forward|off] [--latency MS] [--port N] [--verbose]';
let opts;
try {
  opts = parseArgs({ options: { mode: { type: 'string', default: 'standby' }, latency: { type: 'string', default: '0' },
    port: { type: 'string', default: process.env.SANDBOX_PORT ?? '8080' }, verbose: { type: 'boolean', default: false } } }).values;
} catch (e) {
  console.error(`${e.message}\n${usage}`);
  process.exit(2);
}
const latencyMs = Number(opts.latency);
const port = Number(opts.port);
const bad = !MODES[opts.mode] ? `--mode must be one of ${Object.keys(MODES).join(', ')}, not "${opts.mode}"`
  : !(Number.isInteger(latencyMs) && latencyMs >= 0 && latencyMs <= 60000) ? `--latency must be whole milliseconds from 0 to 60000, not "${opts.latency}"`
    : !(Number.isInteger(port) && port >= 0 && port < 65536) ? `--port must be a port number, not "${opts.port}"` : null;
if (bad) {
  console.error(`${bad}\n${usage}`);
  process.exit(2);
}
if (!existsSync(new URL('../dist/plugin-multi-call.js', import.meta.url))) {
  console.warn('[sandbox] dist/plugin-multi-call.js is missing: run `npm run build` first (Flex runs without multi-call until then).');
}
const sandbox = await startSandbox({ port, mode: opts.mode, latencyMs, quiet: !opts.verbose });
console.log(`[sandbox] real Flex UI with multi-call (${opts.mode} mode${latencyMs ? `, ${latencyMs} ms per Twilio request` : ''}): open ${sandbox.url}/`);

const stop = () => sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
