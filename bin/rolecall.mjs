#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so a fresh clone needs no build step. The emulator
// is dispatched here rather than from app/cli because the core never imports emulator/.
import { register } from 'tsx/esm/api';

// The SDK's note that future releases need Node 22 is for developers, not for every CLI run
// (and it would land in the stderr that AWS SDKs show for credential_process).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const [command, ...rest] = process.argv.slice(2);
if (command === 'emulator') {
  const { runEmulatorCli } = await import('../emulator/cli.ts');
  process.exitCode = await runEmulatorCli(rest);
} else if (command === 'demo') {
  const { runDemo } = await import('../scripts/demo.ts');
  process.exitCode = await runDemo(rest);
} else if (command === 'credential-process') {
  // The AWS CLI and SDKs start this for every credential lookup: skip loading the whole CLI.
  const [{ runCredentialProcessCli }, { processOutput }] = await Promise.all([import('../app/cli/commands/credential-process.ts'), import('../app/cli/output.ts')]);
  process.exitCode = await runCredentialProcessCli(rest, processOutput());
} else {
  await import('../app/cli/main.ts');
}
