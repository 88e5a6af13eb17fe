/**
 * `npm start`: the whole lifecycle on this machine, no cloud account needed.
 *   npm start -- --fault throttle --fault token-revoked   (faults: see FAULTS)
 */
import { parseArgs } from 'node:util';
import { INSTALL_HINTS, missingTools } from '../tooling/tools';
import { Fault, FAULTS, runRehearsal } from './run';

// The SDK's notice about Node 22 would break the progress view; the lockfile pins the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { fault: { type: 'string', multiple: true, default: [] } } });
  const unknown = values.fault!.filter((f) => !(FAULTS as readonly string[]).includes(f));
  if (unknown.length) {
    console.error(`unknown fault ${unknown.join(', ')}; use one of ${FAULTS.join(', ')}`);
    process.exit(2);
  }
  const missing = missingTools(['terraform', 'moto_server']);
  if (missing.length) {
    console.error(`The rehearsal needs ${missing.map((tool) => INSTALL_HINTS[tool]).join(' and ')}; install it and run again.`);
    process.exit(2);
  }
  const report = await runRehearsal({ faults: values.fault as Fault[] });
  report.lines().forEach((line) => console.log(line));
  process.exit(report.ok ? 0 : 1);
}

void main();
