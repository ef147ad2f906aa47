// A placeholder that is never shipped. `twilio flex:plugins:deploy` builds
// this project with webpack before uploading, and its pre-check wants
// src/index to call loadPlugin exactly once (a text search, so this comment
// names it without the dot and parenthesis); webpack.config.js then replaces
// what webpack built from this file with ../dist/plugin-multi-call.js, byte
// for byte, so the upload is the repository's prebuilt bundle. If this file
// ever reached a browser, the swap did not happen: it fails loudly instead of
// loading an empty plugin.
const placeholder = {
  loadPlugin() {
    throw new Error('plugin-multi-call: this is the cli-plugin placeholder, not dist/plugin-multi-call.js; rebuild cli-plugin');
  },
};

placeholder.loadPlugin();
