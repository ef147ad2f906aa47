// Shared set-up for the end-to-end tests: a private network namespace, the
// sandbox on an ephemeral port, headless Chromium with fake media, and helpers
// to watch every request the browser makes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(root, 'test-results');

/**
 * Re-run this test file inside a fresh network namespace with only `lo` up,
 * so no packet can leave the machine. Must run before any test is declared.
 * Falls back (with a notice) where namespaces cannot be made.
 */
export function enterNetns() {
  if (process.env.E2E_NETNS) return;
  if (process.env.E2E_NO_NETNS) return void console.error('# e2e: E2E_NO_NETNS set; running in the host network namespace');
  const probe = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
  if (probe.status !== 0) {
    console.error('# e2e: cannot create a network namespace (unshare -rn failed); running in the host namespace, loopback checks still apply');
    return;
  }
  const r = spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, ...process.execArgv, process.argv[1]],
    { stdio: 'inherit', env: { ...process.env, E2E_NETNS: '1' } });
  process.exit(r.status ?? 1);
}

export async function startSandbox() {
  const { startSandbox: start } = await import('../../sandbox/server.mjs');
  return start({ port: 0 });
}

/** The speech-like WAV the fake microphone plays (a sine would be suppressed). */
async function fakeMicFile() {
  const { speechWav } = await import('../../sandbox/sounds.mjs');
  const dir = mkdtempSync(path.join(tmpdir(), 'mc-e2e-'));
  const file = path.join(dir, 'speech.wav');
  writeFileSync(file, speechWav());
  return { dir, file };
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const { dir, file } = await fakeMicFile();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${file}`, '--autoplay-policy=no-user-gesture-required',
      '--disable-features=WebRtcHideLocalIpsWithMdns', '--allow-loopback-in-peer-connection',
      // Names other than loopback never resolve: a stray request fails fast and is recorded.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 860 } });
  const requests = [];
  const watch = (page) => {
    page.on('request', (r) => requests.push(r.url()));
    page.on('websocket', (ws) => requests.push(ws.url()));
  };
  context.on('page', watch);
  return {
    browser, context, requests,
    async page(url, name) {
      const page = await context.newPage();
      page.consoleLog = [];
      page.on('console', (m) => page.consoleLog.push(`[${name}] ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => page.consoleLog.push(`[${name}] pageerror: ${e.message}`));
      await page.goto(url);
      return page;
    },
    async close() { await browser.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Every URL the browser asked for (pages, sockets) must be on 127.0.0.1. */
export function offLoopback(urls) {
  return urls.filter((u) => {
    try { return !['127.0.0.1'].includes(new URL(u).hostname) && !u.startsWith('data:') && !u.startsWith('blob:'); } catch { return true; }
  });
}

export async function screenshot(page, name) {
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Poll `fn` until it returns a truthy value. */
export async function until(fn, { timeout = 15000, every = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** A control client for the tests, in process (the sandbox runs in this process). */
export const testClient = { id: 'test', role: 'observer' };
