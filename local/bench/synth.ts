/**
 * Prints how long synth takes and what importing the provider packages costs, each in a fresh
 * Node process (module caches would hide the cost otherwise), and the wall time of `cdktf synth` as
 * users run it (CLI start-up, the app through cdktf.json, writing cdktf.out) for the lab config and
 * the full-size estate (local/bench/estate.ts). Figures, not pass/fail.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { estateConfig, FULL, ouName } from './estate';
import { INSTANCE_NAMES } from '../../app-config/schema';

const ROOT = resolve(__dirname, '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** Runs a snippet in a fresh ts-node process and returns what it printed as JSON. */
function measure(snippet: string): { ms: number; rssMb: number } {
  const program = `const t0 = process.hrtime.bigint(); ${snippet}; const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 2 ** 20 }));`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', program], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Prints the median and the highest RSS of the snippet's runs; returns the median in ms. */
function report(name: string, snippet: string): number {
  const runs = Array.from({ length: RUNS }, () => measure(snippet));
  const rss = Math.max(...runs.map((r) => r.rssMb));
  const ms = median(runs.map((r) => r.ms));
  console.log(`${name.padEnd(56)} median ${ms.toFixed(0).padStart(6)} ms   max RSS ${rss.toFixed(0).padStart(5)} MB`);
  return ms;
}

/**
 * A copy of the project's tracked files sharing its node_modules; with `rawConfig`, its config.ts
 * hands that config to the app instead of the hardcoded one (the schema still validates it).
 */
function projectCopy(rawConfig?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-synth-project-'));
  for (const file of execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  if (rawConfig) {
    writeFileSync(join(dir, 'config.ts'), `import { loadConfig as validate } from ${JSON.stringify(join(ROOT, 'config'))};
export const rawConfig: unknown = ${JSON.stringify(rawConfig)};
export const loadConfig = (raw: unknown = rawConfig) => validate(raw);
`);
  }
  return dir;
}

/**
 * Wall time of `npx cdktf synth` in `project`, as a user runs it, and its ratio to the in-process synth measured in
 * the same run (`inProcessMs`): absolute times drift on a shared machine, the ratio says what lies outside the app.
 */
function reportCliSynth(name: string, project: string, inProcessMs: number): void {
  const runs = Array.from({ length: RUNS }, () => {
    const start = process.hrtime.bigint();
    execFileSync('npx', ['cdktf', 'synth'], { cwd: project, env: { ...process.env, CHECKPOINT_DISABLE: '1' }, stdio: 'ignore' });
    return Number(process.hrtime.bigint() - start) / 1e6;
  });
  const ms = median(runs);
  console.log(`${name.padEnd(56)} median ${ms.toFixed(0).padStart(6)} ms   ${(ms / inProcessMs).toFixed(1)}× the in-process synth   (runs: ${runs.map((r) => r.toFixed(0)).join(', ')} ms)`);
}

/** The full-size estate's config; OU ids are made up, since synth only writes them into data sources. */
function fullEstateConfig(): unknown {
  const organization = { managementAccountId: '000000000000', rootId: 'r-bench', accounts: [], organizationalUnits: new Map(Array.from({ length: FULL.ous }, (_, k) => [ouName(k), `ou-bench-${String(k + 1).padStart(8, '0')}`])) };
  return estateConfig(FULL, new Map(INSTANCE_NAMES.map((instance) => [instance, organization])));
}

const outdir = join(mkdtempSync(join(tmpdir(), 'bench-synth-')), 'cdktf.out');
console.log(`synth benchmark, ${RUNS} runs each, node ${process.version}`);
report('import @cdktf/provider-aws (package root)', "require('@cdktf/provider-aws')");
report('import @cdktf/provider-aws/lib/ssoadmin-permission-set', "require('@cdktf/provider-aws/lib/ssoadmin-permission-set')");
report('import @cdktf/provider-azuread (package root)', "require('@cdktf/provider-azuread')");
report('import @cdktf/provider-azuread/lib/application', "require('@cdktf/provider-azuread/lib/application')");
const inProcess = report('synth of the lab config in-process (import app + synth)', `const { App } = require('cdktf'); require('./main').buildApp(new App({ outdir: ${JSON.stringify(outdir)} })).synth()`);
reportCliSynth('`npx cdktf synth`, lab config (goal < 3 s)', projectCopy(), inProcess);
reportCliSynth('`npx cdktf synth`, full-size estate (goal < 5 s)', projectCopy(fullEstateConfig()), inProcess);
