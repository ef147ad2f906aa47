// Bundles the real @twilio/flex-ui (with React 17) into one classic script for
// the local sandbox and the tests: target/flex-ui/twilio-flex-<version>.js.
// It sets window.Twilio.Flex, window.React and window.ReactDOM, as a hosted
// Flex page does for its plugins. Built once and reused until the lock changes.
//
// The Flex version is one setting: FLEX_UI_VERSION (default: the version
// pinned in package.json). Another 2.x is installed beside the project, into
// target/flex-ui/<version>/, so the suite can run against it unchanged.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'target', 'flex-ui');

/** The Flex UI version the sandbox and tests run. */
export function flexVersion() {
  const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies['@twilio/flex-ui'];
  return process.env.FLEX_UI_VERSION || pinned;
}

/** Path of the bundled Flex UI for `version` (it may not be built yet). */
export function flexBundlePath(version = flexVersion()) {
  return join(outDir, `twilio-flex-${version}.js`);
}

/** The node_modules folder that holds `version` of @twilio/flex-ui, installing it when it is not the pinned one. */
function modulesFor(version) {
  const pinnedDir = join(root, 'node_modules');
  const installed = JSON.parse(readFileSync(join(pinnedDir, '@twilio/flex-ui/package.json'), 'utf8')).version;
  if (installed === version) return pinnedDir;
  const prefix = join(outDir, version);
  const dir = join(prefix, 'node_modules');
  if (!existsSync(join(dir, '@twilio/flex-ui/package.json'))) {
    console.log(`installing @twilio/flex-ui ${version} into ${prefix}`);
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, 'package.json'), JSON.stringify({ private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `@twilio/flex-ui@${version}`, 'react@17.0.2', 'react-dom@17.0.2', 'path-browserify@1.0.1'],
      { cwd: prefix, stdio: 'inherit' });
  }
  return dir;
}

/** Builds the bundle unless an up-to-date one exists; returns its path. */
export async function buildFlex(version = flexVersion()) {
  const out = flexBundlePath(version);
  const lock = join(root, 'package-lock.json');
  if (existsSync(out) && statSync(out).mtimeMs > statSync(lock).mtimeMs) return out;
  const modules = modulesFor(version);
  mkdirSync(outDir, { recursive: true });
  // Beside the node_modules it imports from: esbuild resolves a package by
  // walking up from the importing file, so an entry elsewhere in the project
  // would get the pinned version from the project's own node_modules.
  const entry = join(modules === join(root, 'node_modules') ? outDir : dirname(modules), 'entry.js');
  writeFileSync(entry, [
    "import * as React from 'react';",
    "import * as ReactDOM from 'react-dom';",
    "import * as Flex from '@twilio/flex-ui';",
    'window.React = React; window.ReactDOM = ReactDOM;',
    'window.Twilio = window.Twilio || {}; window.Twilio.Flex = Flex;',
  ].join('\n'));
  const processShim = join(outDir, 'process-shim.js');
  // Flex's dependencies read `process` (a Node global) in a few places.
  writeFileSync(processShim, "export const process = { env: { NODE_ENV: 'production' }, browser: true, version: '', versions: {}, " +
    "platform: 'browser', cwd: () => '/', nextTick: (f, ...a) => Promise.resolve().then(() => f(...a)) };\n");
  const t0 = Date.now();
  const built = await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'iife',
    minify: true,
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    inject: [processShim],
    // mime-types (a Flex dependency) requires Node's `path` for extname.
    alias: { path: join(modules, 'path-browserify') },
    legalComments: 'none',
    logLevel: 'error',
    metafile: true, // its input paths are relative to absWorkingDir
    absWorkingDir: root,
  });
  const flexFiles = Object.keys(built.metafile.inputs).filter((f) => f.includes('node_modules/@twilio/flex-ui/'));
  const wanted = join(modules, '@twilio', 'flex-ui').slice(root.length + 1);
  if (!flexFiles.length || flexFiles.some((f) => !f.startsWith(wanted))) {
    throw new Error(`the Flex UI bundle took @twilio/flex-ui from ${flexFiles.find((f) => !f.startsWith(wanted)) || 'nowhere'}, not from ${wanted} (Flex UI ${version})`);
  }
  console.log(`built ${out.slice(root.length + 1)} (Flex UI ${version}, ${(statSync(out).size / 1e6).toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildFlex();
