import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { buildApp } from '../../main';
import { withEnv } from './synth';

/** Synthesizes the app as `cdktf synth` would, under `env`, into a fresh folder; returns the stack folders' parent. */
export function synthToDisk(env: NodeJS.ProcessEnv, raw?: unknown): string {
  const outdir = join(mkdtempSync(join(tmpdir(), 'cdktf-')), 'cdktf.out');
  withEnv(env, () => {
    const app = new App({ outdir });
    buildApp(app, raw);
    app.synth();
  });
  return join(outdir, 'stacks');
}
