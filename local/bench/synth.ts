/**
 * Prints how long synth takes and what importing the provider packages costs, each in a fresh
 * Node process (module caches would hide the cost otherwise). Figures, not pass/fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** Runs a snippet in a fresh ts-node process and returns what it printed as JSON. */
function measure(snippet: string): { ms: number; rssMb: number } {
  const program = `const t0 = process.hrtime.bigint(); ${snippet}; const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 2 ** 20 }));`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', program], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function report(name: string, snippet: string): void {
  const runs = Array.from({ length: RUNS }, () => measure(snippet));
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
  const rss = Math.max(...runs.map((r) => r.rssMb));
  console.log(`${name.padEnd(56)} median ${ms[Math.floor(ms.length / 2)].toFixed(0).padStart(6)} ms   max RSS ${rss.toFixed(0).padStart(5)} MB`);
}

const outdir = join(mkdtempSync(join(tmpdir(), 'bench-synth-')), 'cdktf.out');
console.log(`synth benchmark, ${RUNS} runs each, node ${process.version}`);
report('import @cdktf/provider-aws (package root)', "require('@cdktf/provider-aws')");
report('import @cdktf/provider-aws/lib/ssoadmin-permission-set', "require('@cdktf/provider-aws/lib/ssoadmin-permission-set')");
report('import @cdktf/provider-azuread (package root)', "require('@cdktf/provider-azuread')");
report('import @cdktf/provider-azuread/lib/application', "require('@cdktf/provider-azuread/lib/application')");
report('synth of the three stacks (import app + synth)', `const { App } = require('cdktf'); require('./main').buildApp(new App({ outdir: ${JSON.stringify(outdir)} })).synth()`);
