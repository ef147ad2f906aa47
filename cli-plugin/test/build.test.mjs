// The Twilio CLI route: `twilio flex:plugins:deploy` runs pre-script-check and
// the webpack build on this project, then uploads build/plugin-multi-call.js
// (and its .js.map). These tests run those two steps as the CLI runs them
// (tools/cli-steps.cjs), offline (in a fresh network namespace when one can be
// made), and check that the file the CLI uploads is ../dist/plugin-multi-call.js
// byte for byte. Needs `npm ci` here and `npm run build` in the repository root.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const project = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(project, '..', 'dist', 'plugin-multi-call.js');
const upload = join(project, 'build', 'plugin-multi-call.js');
const uploadMap = `${upload}.map`;
const pkgPath = join(project, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const CLI_VERSION = '7.1.2'; // @twilio-labs/plugin-flex, the same release as @twilio/flex-plugin-scripts

assert.ok(existsSync(join(project, 'node_modules', '@twilio', 'flex-plugin-scripts')), 'run `npm ci` in cli-plugin/ first');
assert.ok(existsSync(dist), 'run `npm run build` in the repository root first');

const offline = spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore' }).status === 0;
if (!offline) console.error('# cli-plugin: cannot create a network namespace (unshare -rn failed); building in the host namespace');

// A home with what the Twilio CLI leaves there: pre-script-check reads
// ~/.twilio-cli/package.json for the installed @twilio-labs/plugin-flex
// version (and throws ENOENT without it), and records the plugin's folder in
// ~/.twilio-cli/flex/plugins.json.
function cliHome() {
  const home = mkdtempSync(join(tmpdir(), 'multi-call-cli-'));
  mkdirSync(join(home, '.twilio-cli'));
  writeFileSync(join(home, '.twilio-cli', 'package.json'),
    JSON.stringify({ private: true, dependencies: { '@twilio-labs/plugin-flex': CLI_VERSION } }));
  return home;
}

// Runs pre-script-check and build as `flex:plugins:deploy --version VERSION` does.
// The build writes VERSION into package.json (as the CLI's does); it is put back.
function deploySteps(version, extraEnv = {}) {
  const home = cliHome();
  const saved = readFileSync(pkgPath);
  rmSync(join(project, 'build'), { recursive: true, force: true });
  const argv = [join(project, 'tools', 'cli-steps.cjs'), join(home, '.twilio-cli'), version];
  const [cmd, args] = offline ? ['unshare', ['-rn', process.execPath, ...argv]] : [process.execPath, argv];
  try {
    const r = spawnSync(cmd, args, {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, HOME: home, NO_UPDATE_NOTIFIER: '1', ...extraEnv },
      timeout: 300_000,
    });
    return { ...r, home, writtenPkg: JSON.parse(readFileSync(pkgPath, 'utf8')) };
  } finally {
    writeFileSync(pkgPath, saved);
  }
}

test('the project passes the checks flex:plugins:deploy makes before running any script', () => {
  // @twilio-labs/plugin-flex 7.1.2, dist/sub-commands/flex-plugin.js, run():
  // isPluginFolder (@twilio/flex-ui in dependencies or devDependencies),
  // builderVersion === BUILDER_VERSION (7: the major of @twilio/flex-plugin-scripts),
  // and node_modules/@twilio/flex-plugin-scripts/package.json is read.
  assert.equal(pkg.name, 'plugin-multi-call');
  assert.ok('@twilio/flex-ui' in pkg.devDependencies || '@twilio/flex-ui' in pkg.dependencies);
  // pre-script-check's isPluginDir reads packageJson.dependencies[...] without a default.
  assert.equal(typeof pkg.dependencies, 'object');
  assert.match(pkg.dependencies['@twilio/flex-plugin-scripts'], /^7\./);
  const installed = JSON.parse(readFileSync(join(project, 'node_modules', '@twilio', 'flex-plugin-scripts', 'package.json'), 'utf8'));
  assert.equal(installed.version, pkg.dependencies['@twilio/flex-plugin-scripts']);
  // pre-script-check counts /\.loadPlugin\(/g in src/index.{js,jsx,ts,tsx}: exactly one.
  assert.equal(readFileSync(join(project, 'src', 'index.js'), 'utf8').match(/\.loadPlugin\(/g).length, 1);
});

test('pre-script-check and the build, run as flex:plugins:deploy runs them, emit dist/plugin-multi-call.js byte for byte', () => {
  const r = deploySteps('9.8.7');
  assert.equal(r.status, 0, `deploy steps failed (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /cli-steps: pre-script-check passed/);
  assert.match(r.stdout, /cli-steps: build finished/);
  // flex-plugin-scripts' deploy uploads getPaths().app.bundlePath (build/<name>.js)
  // as bundle.js and app.sourceMapPath (build/<name>.js.map) as bundle.js.map.
  assert.ok(readFileSync(upload).equals(readFileSync(dist)), `${upload} differs from ${dist}`);
  const map = JSON.parse(readFileSync(uploadMap, 'utf8'));
  assert.equal(map.version, 3);
  assert.deepEqual(map.sources, []);
  // The CLI's bookkeeping, seen here as the admin will see it.
  assert.equal(r.writtenPkg.version, '9.8.7');
  const registered = JSON.parse(readFileSync(join(r.home, '.twilio-cli', 'flex', 'plugins.json'), 'utf8'));
  assert.deepEqual(registered.plugins, [{ name: 'plugin-multi-call', dir: project }]);
  rmSync(r.home, { recursive: true, force: true });
});

test('without the prebuilt bundle the build fails and leaves nothing to upload', () => {
  const r = deploySteps('9.8.7', { MULTI_CALL_BUNDLE: join(project, 'no-such-bundle.js') });
  assert.notEqual(r.status, 0, 'the build succeeded without a bundle');
  assert.match(r.stdout + r.stderr, /no-such-bundle\.js is missing: run `npm run build` in the repository root first/);
  assert.equal(existsSync(upload), false, 'the placeholder was written where the CLI uploads from');
  rmSync(r.home, { recursive: true, force: true });
});
