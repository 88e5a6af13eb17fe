import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsEmulatorEnv } from './aws-emulator-env';
import { synthToDisk } from '../../synth-to-disk';
import { hasProviderMirror, terraformOk, TerraformResult, writeMirrorCliConfig } from './terraform';

/**
 * The AWS stacks synthesized into a folder of their own, with state beside them, and Terraform
 * set up to reach only the emulator at `awsEndpoint` and the offline provider mirror.
 */
export class TerraformWorkspace {
  // Terraform's plugin cache is not safe for concurrent use: inits take turns, and every other
  // command waits for queued inits, because an init without a lock file re-installs the provider
  // into the cache while another stack's apply reads it ("Required plugins are not installed").
  private initQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
    private stacksDir: string,
  ) {}

  static create(awsEndpoint: string, rawConfig?: unknown, dir = mkdtempSync(join(tmpdir(), 'tf-workspace-'))): TerraformWorkspace {
    const awsEnv = awsEmulatorEnv(dir, awsEndpoint);
    // Offline machines install the provider from the local mirror; elsewhere Terraform downloads it.
    const env = { ...process.env, ...awsEnv, ...(hasProviderMirror() ? { TF_CLI_CONFIG_FILE: writeMirrorCliConfig(dir) } : {}) };
    return new TerraformWorkspace(dir, env, synthToDisk(awsEnv, { dir, rawConfig, rehearsalEndpoint: awsEndpoint }));
  }

  /** Synthesizes another config over the same state, as a changed config.ts would. */
  resynth(rawConfig: unknown): void {
    this.stacksDir = synthToDisk(this.awsEnv(), { dir: mkdtempSync(join(tmpdir(), 'tf-resynth-')), stateDir: this.dir, rawConfig, rehearsalEndpoint: this.env.AWS_ENDPOINT_URL });
  }

  stackDir(stack: string): string {
    return join(this.stacksDir, stack);
  }

  async run(stack: string, args: string[]): Promise<TerraformResult> {
    await this.initQueue;
    return terraformOk(args, this.stackDir(stack), this.env);
  }

  init(stack: string): Promise<TerraformResult> {
    const result = this.initQueue.then(() => terraformOk(['init', '-input=false'], this.stackDir(stack), this.env));
    this.initQueue = result.catch(() => undefined);
    return result;
  }

  /** `options` are more apply flags, e.g. `-parallelism=15`. */
  apply(stack: string, options: string[] = []): Promise<TerraformResult> {
    return this.run(stack, ['apply', '-auto-approve', '-input=false', ...options]);
  }

  destroy(stack: string): Promise<TerraformResult> {
    return this.run(stack, ['destroy', '-auto-approve', '-input=false']);
  }

  /** The saved plan as Terraform's JSON (`terraform show -json`). */
  async plan(stack: string, options: string[] = []): Promise<any> {
    await this.run(stack, ['plan', '-input=false', '-out=plan.bin', ...options]);
    return JSON.parse((await this.run(stack, ['show', '-json', 'plan.bin'])).stdout);
  }

  private awsEnv(): Record<string, string | undefined> {
    const { AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL } = this.env;
    return { AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL };
  }
}
