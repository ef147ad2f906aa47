// `npm run sandbox`: the local Flex sandbox on 127.0.0.1 (see README).
import { existsSync } from 'node:fs';
import { startSandbox } from './server.mjs';

const port = process.env.SANDBOX_PORT === undefined ? 8443 : Number(process.env.SANDBOX_PORT);
const sandbox = await startSandbox({ port, quiet: !process.env.SANDBOX_VERBOSE });

if (!existsSync(new URL('../dist/plugin-multi-call.js', import.meta.url))) {
  console.warn('[sandbox] dist/plugin-multi-call.js is missing: run `npm run build` first (the desktop works with the plugin off).');
}
console.log(`[sandbox] listening on ${sandbox.url} (self-signed certificate: accept it once)`);
console.log(`[sandbox] open ${sandbox.url}/ — agent desktop: ${sandbox.url}/desktop — customer panel: ${sandbox.url}/customer`);

const stop = () => sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
