// The hook @twilio/flex-plugin-scripts calls with its generated webpack
// configuration when this file exists in the plugin project
// (dist/config/index.js: require(webpackConfigPath)(config, { isProd, isDev, isTest })).
//
// It adds one webpack plugin that, when webpack emits, replaces the bundle
// built from src/index.js (the placeholder) with the repository's prebuilt
// ../dist/plugin-multi-call.js, byte for byte, and its source map with an
// empty one. `twilio flex:plugins:deploy` uploads exactly these two files,
// build/<package name>.js and build/<package name>.js.map, as the plugin
// version's bundle.js and bundle.js.map.
//
// The swap happens at `emit`, after webpack's minifier and source-map plugins
// have run, so nothing rewrites the prebuilt bytes. If the prebuilt bundle is
// missing or is not multi-call's, the build fails and nothing is written.
const fs = require('fs');
const path = require('path');

// MULTI_CALL_BUNDLE names another file (the tests use it for a missing one).
const PREBUILT = path.resolve(process.env.MULTI_CALL_BUNDLE || path.join(__dirname, '..', 'dist', 'plugin-multi-call.js'));
// The first line scripts/build.mjs writes into every bundle.
const BANNER = '/* multi-call: Twilio Flex plugin (Rust/wasm engine). */';
// A valid source map that maps nothing: the prebuilt bundle ships without one,
// and the one webpack made describes the placeholder.
const EMPTY_MAP = JSON.stringify({ version: 3, file: 'bundle.js', sources: [], names: [], mappings: '' });

// The webpack Source interface over fixed bytes (webpack 4, which
// flex-plugin-webpack runs, writes `buffer()` as it is).
const bytesSource = (buffer) => ({
  source: () => buffer,
  buffer: () => buffer,
  size: () => buffer.length,
  map: () => null,
  sourceAndMap: () => ({ source: buffer, map: null }),
  updateHash: (hash) => hash.update(buffer),
});

class EmitPrebuiltBundle {
  constructor(name) {
    this.name = name;
  }

  apply(compiler) {
    compiler.hooks.emit.tapAsync('EmitPrebuiltBundle', (compilation, callback) => {
      let bundle;
      try {
        bundle = fs.readFileSync(PREBUILT);
      } catch (e) {
        callback(new Error(`${PREBUILT} is missing: run \`npm run build\` in the repository root first (${e.code || e.message})`));
        return;
      }
      if (!bundle.subarray(0, BANNER.length).equals(Buffer.from(BANNER))) {
        callback(new Error(`${PREBUILT} does not start with multi-call's banner; rebuild it with \`npm run build\` in the repository root`));
        return;
      }
      const js = Object.keys(compilation.assets).filter((n) => path.basename(n) === `${this.name}.js`);
      if (js.length !== 1) {
        callback(new Error(`expected webpack to emit one ${this.name}.js, found: ${Object.keys(compilation.assets).join(', ')}`));
        return;
      }
      compilation.assets[js[0]] = bytesSource(bundle);
      compilation.assets[`${js[0]}.map`] = bytesSource(Buffer.from(EMPTY_MAP));
      callback();
    });
  }
}

module.exports = (config) => {
  const { name } = require('./package.json');
  config.plugins = config.plugins || [];
  config.plugins.push(new EmitPrebuiltBundle(name));
  return config;
};
