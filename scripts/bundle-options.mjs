// esbuild's options for dist/plugin-multi-call.js, shared by the build
// (scripts/build.mjs) and the payload benchmark (bench/payload.mjs), which
// bundles again with them for per-module sizes.
import { join } from 'node:path';

/** The bundle's esbuild options, for the tree at `root` (no output path, plugins or log level). */
export const bundleOptions = (root) => ({
  entryPoints: [join(root, 'js-shim', 'index.js')],
  bundle: true,
  format: 'iife',
  minify: true,
  target: 'es2019',
  legalComments: 'none',
  charset: 'ascii',
  // The glue's default wasm URL is never used: the bytes are passed in.
  define: { 'import.meta.url': '"about:blank"' },
  banner: { js: '/* multi-call: Twilio Flex plugin (Rust/wasm engine). */' },
});
