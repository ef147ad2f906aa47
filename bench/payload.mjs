// Benchmark 1, payload: raw and gzipped bytes of dist/plugin-multi-call.js,
// and what they are made of (the inlined wasm, wasm-bindgen's JS glue, the shim).
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { ROOT, BUNDLE } from './lib.mjs';

export const BUDGET_GZ = 20 * 1024;
const gz = (buf) => gzipSync(buf, { level: 9 }).length;

export async function payload() {
  const bundle = fs.readFileSync(BUNDLE);
  const text = bundle.toString('utf8');
  const wasmFile = path.join(ROOT, 'target', 'bindgen', 'multi_call_bg.wasm');
  const wasm = fs.readFileSync(wasmFile);

  // The wasm string literal inside the bundle: the quote before its "\0asm" header (a raw NUL, as
  // scripts/build.mjs writes it, or escaped), to the next unescaped quote of the same kind.
  const header = text.search(/(\u0000|\\0|\\x00|\\u0000)asm/);
  if (header < 1) throw new Error('cannot find the inlined wasm in the bundle');
  const start = header - 1;
  const quote = text[start];
  let end = start + 1;
  while (end < text.length && text[end] !== quote) end += text[end] === '\\' ? 2 : 1;
  const literal = Buffer.from(text.slice(start, end + 1), 'utf8');
  const rest = Buffer.from(text.slice(0, start) + text.slice(end + 1), 'utf8');

  // Raw bytes per input module, from the same esbuild build as scripts/build.mjs (kept in step by hand).
  const r = await esbuild.build({
    entryPoints: [path.join(ROOT, 'js-shim', 'index.js')], bundle: true, format: 'iife', minify: true, target: 'es2019',
    legalComments: 'none', charset: 'utf8', define: { 'import.meta.url': '"about:blank"' }, write: false, metafile: true, outfile: 'out.js', logLevel: 'silent',
  });
  const inputs = Object.values(r.metafile.outputs)[0].inputs;
  const part = (re) => Object.entries(inputs).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v.bytesInOutput, 0);
  // Standalone gzip of each JS part, minified on its own (an approximation: gzip is not additive).
  const minGz = async (files) => {
    let n = 0;
    for (const f of files) {
      const src = fs.readFileSync(path.join(ROOT, f), 'utf8');
      const m = await esbuild.transform(src, { minify: true, format: 'esm', target: 'es2019', loader: 'js', define: { 'import.meta.url': '"about:blank"' } });
      n += gz(Buffer.from(m.code));
    }
    return n;
  };
  return {
    file: 'dist/plugin-multi-call.js',
    raw: bundle.length,
    gzip: gz(bundle),
    budgetGzip: BUDGET_GZ,
    pass: gz(bundle) <= BUDGET_GZ,
    wasm: { raw: wasm.length, gzip: gz(wasm), literalRaw: literal.length, literalGzip: gz(literal) },
    js: {
      raw: rest.length, gzip: gz(rest),
      glueRaw: part(/target\/bindgen\/multi_call\.js$/), shimRaw: part(/js-shim\//),
      glueGzipAlone: await minGz(['target/bindgen/multi_call.js']), shimGzipAlone: await minGz(['js-shim/index.js', 'js-shim/teams-view.js']),
      bundleRaw: Object.values(r.metafile.outputs)[0].bytes,
    },
  };
}
