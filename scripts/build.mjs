// Builds dist/plugin-multi-call.js: one classic script with the wasm inlined.
//   cargo (wasm32, release) -> wasm-bindgen --target web -> wasm-opt -Oz
//   -> esbuild (iife, minified) with the .wasm inlined, deflated, as base64
// Prints raw and gzipped sizes against the budget (the gate is `node bench/run.mjs --check-payload`).
// `--fault-injection` builds target/fault-injection/plugin-multi-call.js
// instead, whose engine panics on task `WRpanic` (for the robustness test
// of a panic; the feature is never in dist/).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import zopfli from '@gfx/zopfli';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { BUDGET_GZ, split, payloadLine } from '../bench/payload.mjs';
import { bundleOptions } from './bundle-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const faults = process.argv.includes('--fault-injection');
const out = join(root, 'target', faults ? 'fault-injection' : 'bindgen');
const dist = faults ? join(out, 'plugin-multi-call.js') : join(root, 'dist', 'plugin-multi-call.js');

const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

// A panic message names its source file, and a dependency's is its full path
// in cargo's registry on the building machine (…/registry/src/index.crates.io-…/
// js-sys-0.3.107/src/…): mapped to the crate's own folder, the paths say as
// much and the bundle is about 60 bytes smaller gzipped. `cargo metadata`
// (which downloads what is missing) says where the registry's crates are.
const meta = JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--locked', '--filter-platform', 'wasm32-unknown-unknown'],
  { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] }));
const registries = new Set(meta.packages.filter((p) => (p.source || '').startsWith('registry+')).map((p) => dirname(dirname(p.manifest_path))));
const rustflags = [...registries].map((dir) => `--remap-path-prefix=${dir}${sep}=`);

// Its own target dir, so the two builds never overwrite each other's wasm.
const cargoTarget = join(root, 'target', ...(faults ? ['fault-injection', 'cargo'] : []));
run('cargo', ['build', '--release', '--locked', '--target', 'wasm32-unknown-unknown', '--lib', '-p', 'multi-call',
  '--config', `build.rustflags=${JSON.stringify(rustflags)}`,
  '--target-dir', cargoTarget, ...(faults ? ['--features', 'fault-injection'] : [])]);
mkdirSync(out, { recursive: true });
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', out,
  join(cargoTarget, 'wasm32-unknown-unknown', 'release', 'multi_call.wasm')]);
// The glue makes every string that leaves the wasm (command tags, sids) with
// TextDecoder, a call into the browser whose fixed cost is most of a short
// string's: in a Flex page between clicks (everything cold) it was a third of
// an event's time in the engine (BENCHMARKS.md, 6). Short ASCII strings are
// built from their char codes instead, passed all at once (one string, not a
// chain of appends); anything else still goes to TextDecoder.
const gluePath = join(out, 'multi_call.js');
const DECODE = 'function decodeText(bytes) {\n';
const glue = readFileSync(gluePath, 'utf8');
if (glue.split(DECODE).length !== 2) throw new Error(`wasm-bindgen's glue has no single "${DECODE.trim()}": update the ASCII fast path in scripts/build.mjs`);
writeFileSync(gluePath, glue.replace(DECODE, `${DECODE}    if (bytes.length <= 64) {
        let i = 0;
        while (i < bytes.length && bytes[i] < 0x80) i++;
        if (i === bytes.length) return String.fromCharCode.apply(null, bytes);
    }
`), 'utf8');
// The wasm features rustc's wasm32 target emits, for every binaryen pass.
const WASM_FEATURES = ['--enable-bulk-memory', '--enable-reference-types', '--enable-multivalue',
  '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals'];
run(join(root, 'node_modules', '.bin', 'wasm-opt'), [
  '-Oz', '--strip-debug', '--strip-producers',
  // Single-caller functions stay functions unless tiny: gzip finds the
  // repeats better (about 0.6 KB), and V8 compiles lazily only what runs.
  '--one-caller-inline-max-function-size', '30', '--converge',
  // Rust puts the 1 MB stack first and its data above it, so memory below
  // 1 KB is touched only by a stack already overflowing: binaryen may then
  // fold constant offsets into loads and stores (about 50 bytes gzipped).
  '--low-memory-unused',
  ...WASM_FEATURES,
  join(out, 'multi_call_bg.wasm'), '-o', join(out, 'multi_call_bg.wasm'),
]);
shortenBoundaryNames(join(out, 'multi_call_bg.wasm'), gluePath);

/**
 * wasm-bindgen names each import after its binding and a 16-digit hash
 * (`__wbg_String_8564e559799eccda`), and every name is in the bundle twice:
 * in the wasm and in the glue that meets it. binaryen's pass renames the
 * imports, their module and the exports to a letter or two in the wasm, and
 * the glue is given the same names here: 1.2 KB less gzipped (of 36.9), half
 * of it in the wasm, half in the glue.
 * The pass keeps every import and export in its place, so old and new names
 * pair up by position; each rename must find its name in the glue.
 */
function shortenBoundaryNames(wasmPath, gluePath) {
  const names = () => {
    const m = new WebAssembly.Module(readFileSync(wasmPath));
    return { imports: WebAssembly.Module.imports(m), exports: WebAssembly.Module.exports(m) };
  };
  const before = names();
  // The pass prints its whole old-to-new table on stdout: the check below says what matters.
  execFileSync(join(root, 'node_modules', '.bin', 'wasm-opt'), ['--minify-imports-and-exports-and-modules',
    ...WASM_FEATURES, wasmPath, '-o', wasmPath], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const after = names();
  const paired = (a, b) => a.length === b.length && a.every((x, i) => x.kind === b[i].kind);
  if (!paired(before.imports, after.imports) || !paired(before.exports, after.exports)) {
    throw new Error('binaryen changed the wasm\'s imports or exports, not only their names: update scripts/build.mjs');
  }
  let glue = readFileSync(gluePath, 'utf8');
  const swap = (pattern, to, what, once) => {
    let n = 0;
    glue = glue.replace(pattern, () => { n++; return to; });
    if (once ? n !== 1 : n < 1) throw new Error(`wasm-bindgen's glue has ${n} of ${what}: update scripts/build.mjs`);
  };
  const literal = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  for (const module of new Set(before.imports.map((i) => i.module))) {
    const to = after.imports[before.imports.findIndex((i) => i.module === module)].module;
    swap(new RegExp(`${literal(JSON.stringify(module))}:`, 'g'), `${JSON.stringify(to)}:`, `the import module ${module}`, true);
  }
  before.imports.forEach((imp, i) => swap(new RegExp(`(?<![\\w$])${literal(imp.name)}(?=\\s*:)`, 'g'), after.imports[i].name, `the import ${imp.name}`, true));
  // Exports the glue never reads (like `__abort_handler`) need no rename there.
  before.exports.forEach((exp, i) => {
    const pattern = new RegExp(`\\bwasm\\.${literal(exp.name)}(?![\\w$])`, 'g');
    if (pattern.test(glue)) swap(pattern, `wasm.${after.exports[i].name}`, `the export ${exp.name}`, false);
  });
  const exported = new Set(after.exports.map((e) => e.name));
  const stale = new Set([...glue.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]).filter((name) => !exported.has(name)));
  if (stale.size) throw new Error(`wasm-bindgen's glue reads exports the wasm no longer has (${[...stale].join(', ')}): update scripts/build.mjs`);
  writeFileSync(gluePath, glue, 'utf8');
}

// The wasm goes into the bundle deflated, then base64: ASCII only, so the
// bundle works whatever charset it is served with, and the browser inflates it
// natively (DecompressionStream). Plain base64 gzips 32% worse than the wasm
// itself (gzip cannot see bytes through base64's 6-bit groups); deflated
// first, the served bundle is as small gzipped as the wasm, and half the size
// where a host serves it uncompressed.
// Zopfli (a package: Google's exhaustive deflate, built to wasm) makes a
// deflate stream any inflater reads, 6% smaller than zlib's level 9 here.
const wasmBytes = readFileSync(join(out, 'multi_call_bg.wasm'));
const packed = Buffer.from(await zopfli.deflateAsync(wasmBytes, { numiterations: 15 }));
if (!inflateRawSync(packed).equals(wasmBytes)) throw new Error('the deflated wasm does not inflate to the wasm');
writeFileSync(join(out, 'wasm-bytes.js'), `export default ${JSON.stringify(packed.toString('base64'))};\n`, 'utf8');

await esbuild.build({
  ...bundleOptions(root),
  outfile: dist,
  logLevel: 'warning',
  // The fault-injection build takes its glue and wasm from its own folder.
  plugins: faults ? [{
    name: 'fault-injection',
    setup(b) { b.onResolve({ filter: /\/target\/bindgen\// }, (a) => ({ path: join(out, a.path.split('/').pop()) })); },
  }] : [],
});
console.log(`${payloadLine(split(dist.slice(root.length + 1), readFileSync(dist), wasmBytes))}; budget ${(BUDGET_GZ / 1024).toFixed(1)} KB gzipped`);
