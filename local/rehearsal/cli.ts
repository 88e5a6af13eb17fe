/**
 * `npm start`: the whole lifecycle on this machine, no cloud account needed.
 *   npm start -- --fault throttle --fault token-revoked   (faults: see FAULTS)
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { ConfigError } from '../../app-config/schema';
import { INSTALL_HINTS, missingTools } from '../harness/tools';
import { Fault, FAULTS, runRehearsal } from './run';

// The SDK's notice about Node 22 would break the progress view; the lockfile pins the SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const USAGE = `usage: npm start [-- --fault <${FAULTS.join('|')}> ...]`;

export class UsageError extends Error {}

/** The faults to inject; a usage error for anything else (an unknown flag, a missing value, an extra word). */
export function parseRehearsalArgs(argv: string[]): Fault[] {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { fault: { type: 'string', multiple: true, default: [] } } });
  } catch (error) {
    if (!/^ERR_PARSE_ARGS/.test((error as NodeJS.ErrnoException).code ?? '')) throw error;
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const unknown = parsed.values.fault!.filter((f) => !(FAULTS as readonly string[]).includes(f));
  if (unknown.length) throw new UsageError(`unknown fault ${unknown.join(', ')}; use one of ${FAULTS.join(', ')}\n${USAGE}`);
  return parsed.values.fault as Fault[];
}

/** Everything the rehearsal needs, checked before anything starts: arguments, config.ts, tools. */
export function preflight(argv: string[], rawConfig?: unknown): Fault[] {
  const faults = parseRehearsalArgs(argv);
  loadConfig(rawConfig);
  const missing = missingTools(['terraform', 'moto_server']);
  if (missing.length) throw new UsageError(`The rehearsal needs ${missing.map((tool) => INSTALL_HINTS[tool]).join(' and ')}; install it and run again.`);
  return faults;
}

async function main(): Promise<void> {
  let faults: Fault[];
  try {
    faults = preflight(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    console.error(error.message); // whole: a config error lists every problem
    process.exit(2);
  }
  const report = await runRehearsal({ faults });
  report.lines().forEach((line) => console.log(line));
  process.exit(report.ok ? 0 : 1);
}

if (require.main === module) void main();
