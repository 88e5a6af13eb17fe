import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { buildApp } from '../../main';
import { withEnv } from './synth';

/**
 * Synthesizes the app as `cdktf synth` would, under `env`, into `dir` (a fresh folder by default),
 * with local state beside it; returns the folder that holds one folder per stack.
 */
export function synthToDisk(env: NodeJS.ProcessEnv, options: { rawConfig?: unknown; dir?: string } = {}): string {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cdktf-'));
  const outdir = join(dir, 'cdktf.out');
  withEnv(env, () => {
    const app = new App({ outdir });
    buildApp(app, { rawConfig: options.rawConfig, stateDir: dir });
    app.synth();
  });
  return join(outdir, 'stacks');
}
