import { App, TerraformStack, Testing } from 'cdktf';
import { rawConfig } from '../../config';
import { buildApp } from '../../main';

/** The whole app, synthesized in memory with the shipped (or a changed) config. */
export function synthApp(raw: unknown = rawConfig): App {
  const app = Testing.app();
  buildApp(app, { rawConfig: raw });
  return app;
}

export function stackOf(app: App, name: string): TerraformStack {
  return app.node.findChild(name) as TerraformStack;
}

/** A stack's Terraform JSON as a string, the form CDKTF's matchers take. */
export function synthStack(name: string, raw?: unknown): string {
  return Testing.synth(stackOf(synthApp(raw), name));
}

export function parsed(synthesized: string): any {
  return JSON.parse(synthesized);
}

export { withEnv } from '../../scripts/with-env';
