import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { buildApp } from './main';
import { REHEARSAL_ENDPOINT_CONTEXT } from './app-model/fips';
import { withEnv } from './scripts/with-env';

export interface SynthOptions {
  readonly rawConfig?: unknown;
  /** Where cdktf.out goes; a fresh folder by default. */
  readonly dir?: string;
  /** Where local state goes; `dir` by default. */
  readonly stateDir?: string;
  /** The AWS emulator the stacks will be applied against (rehearsal only): it turns FIPS off. */
  readonly rehearsalEndpoint?: string;
}

/**
 * Synthesizes the app as `cdktf synth` would, under `env`; returns the folder that holds one folder
 * per stack. Only `rehearsalEndpoint` (an app context key) points the stacks at an emulator.
 */
export function synthToDisk(env: Record<string, string | undefined>, options: SynthOptions = {}): string {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cdktf-'));
  const outdir = join(dir, 'cdktf.out');
  const context = options.rehearsalEndpoint ? { [REHEARSAL_ENDPOINT_CONTEXT]: options.rehearsalEndpoint } : undefined;
  withEnv(env, () => buildApp(new App({ outdir, context }), { rawConfig: options.rawConfig, stateDir: options.stateDir ?? dir }).synth());
  return join(outdir, 'stacks');
}
