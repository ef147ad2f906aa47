// Runs on this project the two steps `twilio flex:plugins:deploy` runs before
// it uploads anything, the way the Twilio CLI runs them.
// @twilio-labs/plugin-flex 7.1.2, dist/commands/flex/plugins/deploy.js:
//   runScript('pre-script-check', ['--quiet', '--persist-terminal'])
//   runScript('build', ['--quiet', '--persist-terminal', '--version', nextVersion])
// and dist/sub-commands/flex-plugin.js, runScript: in the CLI's process, after
// env.setCLI(), with '--core-cwd' (the CLI plugin's folder) appended, calling
// require('@twilio/flex-plugin-scripts/dist/scripts/<name>').default(...argv).
// Either script calls process.exit(1) when a check or the build fails.
// Usage: node cli-steps.cjs CORE_CWD VERSION (run in the plugin project).
const { env } = require('@twilio/flex-dev-utils');

const [coreCwd, version] = process.argv.slice(2);
const script = (name) => require(`@twilio/flex-plugin-scripts/dist/scripts/${name}`).default;

(async () => {
  env.setCLI();
  const args = ['--quiet', '--persist-terminal'];
  await script('pre-script-check')(...args, '--core-cwd', coreCwd);
  console.log('cli-steps: pre-script-check passed');
  await script('build')(...args, '--version', version, '--core-cwd', coreCwd);
  console.log('cli-steps: build finished');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
