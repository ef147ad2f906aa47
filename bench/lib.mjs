// Shared helpers for the benchmarks: the machine description, a static server
// (cross-origin isolated, so performance.now() has 5 µs resolution instead of
// 100 µs), headless Chromium with the browser tests' flags, and statistics.
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(ROOT, 'target', 'bench'); // raw results, one JSON per benchmark
export const BUNDLE = path.join(ROOT, 'dist', 'plugin-multi-call.js');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// The flags of tests/browser/harness.mjs.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic'];

const sh = (cmd, args) => { try { return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; } };

/** What the figures ran on. */
export function machine() {
  let cpu = os.cpus()[0]?.model || 'unknown';
  try {
    const m = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (m) cpu = m[1].trim();
  } catch { /* not Linux */ }
  let chromium = sh(CHROMIUM, ['--version']);
  return {
    cpu,
    cores: Number(sh('nproc', [])) || os.cpus().length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: chromium || 'not found',
    rustc: sh('rustc', ['--version']) || 'not found',
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']) || 'unknown',
    dirty: !!sh('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'js-shim', 'Cargo.toml', 'Cargo.lock', 'scripts']),
  };
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };

/** Static server rooted at the repo, cross-origin isolated (COOP + COEP). */
export function startServer() {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.normalize(path.join(ROOT, decodeURIComponent(url.pathname)));
    if (!file.startsWith(ROOT)) { res.writeHead(403).end(); return; }
    try {
      const body = await fsp.readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin',
      }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) })));
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Sorted-sample statistics. */
export function stats(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { n: 0 };
  const q = (p) => { const i = (v.length - 1) * p; const lo = Math.floor(i); const hi = Math.ceil(i); return v[lo] + (v[hi] - v[lo]) * (i - lo); };
  const kept = v.slice(0, Math.max(1, Math.ceil(v.length * 0.99)));
  return { n: v.length, min: v[0], p10: q(0.1), median: q(0.5), p90: q(0.9), p99: q(0.99), max: v.at(-1), mean: v.reduce((a, b) => a + b, 0) / v.length,
    /** Mean of the fastest 99% (drops GC pauses and scheduler hiccups). */
    trimmedMean: kept.reduce((a, b) => a + b, 0) / kept.length };
}

export async function save(name, data) {
  await fsp.mkdir(OUT, { recursive: true });
  await fsp.writeFile(path.join(OUT, `${name}.json`), JSON.stringify(data, null, 1));
}

export function load(name) {
  try { return JSON.parse(fs.readFileSync(path.join(OUT, `${name}.json`), 'utf8')); } catch { return null; }
}

// Formatting for the tables: kilobytes, milliseconds, microseconds, a budget's verdict.
/** Bytes as KB with one decimal. */
export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
/** Milliseconds, two decimals under 10; '–' when missing. */
export const ms = (n) => (n === undefined || n === null || Number.isNaN(n) ? '–' : `${n.toFixed(n < 10 ? 2 : 1)} ms`);
/** Microseconds, shown as ns or ms where that reads better; '–' when missing. */
export const us = (n) => (n === undefined || n === null || Number.isNaN(n) ? '–' : n < 1 ? `${(n * 1000).toFixed(0)} ns` : n >= 1000 ? `${(n / 1000).toFixed(2)} ms` : `${n.toFixed(n < 10 ? 2 : 1)} µs`);
/** PASS, FAIL or "not measured". */
export const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? 'PASS' : 'FAIL');
