import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { buildApp } from '../main';
import { withEnv } from './env';

export interface SynthOptions {
  readonly rawConfig?: unknown;
  /** Where cdktf.out goes; a fresh folder by default. */
  readonly dir?: string;
  /** Where local state goes; `dir` by default. */
  readonly stateDir?: string;
}

/**
 * Synthesizes the app as `cdktf synth` would, under `env` (synth reads AWS_ENDPOINT_URL to decide
 * FIPS); returns the folder that holds one folder per stack.
 */
export function synthToDisk(env: Record<string, string | undefined>, options: SynthOptions = {}): string {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cdktf-'));
  const outdir = join(dir, 'cdktf.out');
  withEnv(env, () => buildApp(new App({ outdir }), { rawConfig: options.rawConfig, stateDir: options.stateDir ?? dir }).synth());
  return join(outdir, 'stacks');
}
