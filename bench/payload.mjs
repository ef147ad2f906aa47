// Benchmark 1, payload: raw and gzipped bytes of dist/plugin-multi-call.js,
// and what they are made of: the embedded wasm (raw, deflated, as base64) and
// the JavaScript around it (wasm-bindgen's glue, the shim). The split is
// scripts/build.mjs's: the JS part is the bundle without the wasm's literal.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync, inflateRawSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { ROOT } from './lib.mjs';
import { bundleOptions } from '../scripts/bundle-options.mjs';

export const BUDGET_GZ = 36 * 1024;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/** The wasm's string literal in a bundle, and how the wasm is packed in it. */
function embedded(text, wasm) {
  // Deflated, then base64 (from b5b0fb4 on): the one long base64 literal.
  let best = null;
  for (const m of text.matchAll(/"[A-Za-z0-9+/]{256,}={0,2}"/g)) if (!best || m[0].length > best[0].length) best = m;
  if (best) {
    const deflated = Buffer.from(best[0].slice(1, -1), 'base64');
    if (!inflateRawSync(deflated).equals(wasm)) throw new Error('the bundle\'s wasm is not target/bindgen/multi_call_bg.wasm: build again');
    return { packing: 'deflate+base64', start: best.index, end: best.index + best[0].length, deflated: deflated.length };
  }
  // Only to measure revisions before b5b0fb4 (`bench/run.mjs --before=REV`): the
  // wasm as a Latin-1 string literal, from the quote before its "\0asm" header.
  const header = text.search(/(\u0000|\\0|\\x00|\\u0000)asm/);
  if (header < 1) throw new Error('cannot find the embedded wasm in the bundle');
  const quote = text[header - 1];
  let end = header;
  while (end < text.length && text[end] !== quote) end += text[end] === '\\' ? 2 : 1;
  return { packing: 'latin1', start: header - 1, end: end + 1 };
}

/**
 * The payload of the tree at `root` (this one, or a `--before` revision's).
 * `modules`: also the raw bytes per JS module and each part gzipped alone
 * (this tree only: it bundles again with scripts/build.mjs's options).
 */
export async function payload(root = ROOT, { modules = root === ROOT } = {}) {
  const bundle = fs.readFileSync(path.join(root, 'dist', 'plugin-multi-call.js'));
  const wasm = fs.readFileSync(path.join(root, 'target', 'bindgen', 'multi_call_bg.wasm'));
  const out = split('dist/plugin-multi-call.js', bundle, wasm);
  if (modules) Object.assign(out.js, await perModule(bundle.length));
  return out;
}

/** A bundle's bytes split into the embedded wasm and the JavaScript around it (`file` names it). */
export function split(file, bundle, wasm) {
  const text = bundle.toString('utf8');
  const e = embedded(text, wasm);
  const literal = Buffer.from(text.slice(e.start, e.end), 'utf8');
  const rest = Buffer.from(`${text.slice(0, e.start)}""${text.slice(e.end)}`, 'utf8');
  return {
    file,
    raw: bundle.length,
    gzip: gz(bundle),
    budgetGzip: BUDGET_GZ,
    pass: gz(bundle) <= BUDGET_GZ,
    packing: e.packing,
    wasm: { raw: wasm.length, gzip: gz(wasm), deflated: e.deflated ?? null, literalRaw: literal.length, literalGzip: gz(literal) },
    js: { raw: rest.length, gzip: gz(rest) },
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** One line: the bundle raw and gzipped, the wasm and the JavaScript (what scripts/build.mjs prints). */
export function payloadLine(p) {
  const wasm = p.packing === 'latin1' ? `wasm ${kb(p.wasm.raw)} raw, ${kb(p.wasm.literalRaw)} as a Latin-1 string literal`
    : `wasm ${kb(p.wasm.raw)} raw, ${kb(p.wasm.deflated)} deflated, ${kb(p.wasm.literalRaw)} as base64`;
  return `${p.file}: ${kb(p.raw)} raw, ${kb(p.gzip)} gzipped; ${wasm}; JS ${kb(p.js.raw)} raw, ${kb(p.js.gzip)} gzipped`;
}

/**
 * Raw bytes per input module, from esbuild's metafile for the build's own
 * options (checked: the output must be as long as dist's), and each JS part
 * minified and gzipped alone (gzip is not additive).
 */
async function perModule(bundleRaw) {
  const r = await esbuild.build({ ...bundleOptions(ROOT), write: false, metafile: true, outfile: 'out.js', logLevel: 'silent' });
  const output = Object.values(r.metafile.outputs)[0];
  if (output.bytes !== bundleRaw) {
    console.error(`# payload: bundling with scripts/build.mjs's options gave ${output.bytes} B, dist has ${bundleRaw} B: ` +
      'the build is not what scripts/bundle-options.mjs says, per-module figures left out');
    return {};
  }
  const files = (re) => Object.keys(output.inputs).filter((k) => re.test(k));
  const raw = (re) => files(re).reduce((n, k) => n + output.inputs[k].bytesInOutput, 0);
  const alone = async (re) => {
    let n = 0;
    for (const f of files(re)) {
      const src = fs.readFileSync(path.join(ROOT, f), 'utf8');
      const m = await esbuild.transform(src, { minify: true, format: 'esm', target: 'es2019', loader: 'js', define: { 'import.meta.url': '"about:blank"' } });
      n += gz(Buffer.from(m.code));
    }
    return n;
  };
  const GLUE = /target\/bindgen\/multi_call\.js$/;
  const SHIM = /js-shim\//;
  return { glueRaw: raw(GLUE), shimRaw: raw(SHIM), glueGzipAlone: await alone(GLUE), shimGzipAlone: await alone(SHIM) };
}
