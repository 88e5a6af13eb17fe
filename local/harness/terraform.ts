import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The offline provider mirror of this machine and CI (holds hashicorp/aws 5.100.0 only). */
export const PROVIDER_MIRROR = '/opt/tf-plugins';

/**
 * Writes a Terraform CLI config that installs providers from the local mirror only, and a plugin
 * cache so each stack links the 600 MB provider instead of copying it. Returns the file's path.
 */
export function writeMirrorCliConfig(dir: string, mirror = PROVIDER_MIRROR): string {
  mkdirSync(join(dir, 'plugin-cache'), { recursive: true });
  const file = join(dir, 'terraform.rc');
  writeFileSync(
    file,
    [
      `plugin_cache_dir = "${join(dir, 'plugin-cache')}"`,
      'provider_installation {',
      `  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }`,
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }',
      '}',
      '',
    ].join('\n'),
  );
  return file;
}

export function hasProviderMirror(mirror = PROVIDER_MIRROR): boolean {
  return existsSync(join(mirror, 'registry.terraform.io', 'hashicorp', 'aws'));
}

export interface TerraformResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs terraform in `cwd`; a non-zero exit is returned, not thrown (plan -detailed-exitcode uses 2). */
export async function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TerraformResult> {
  try {
    // Flags go before positional arguments (Go's flag parsing stops at the first positional).
    const [subcommand, ...rest] = args;
    const { stdout, stderr } = await run('terraform', [subcommand, '-no-color', ...rest], {
      cwd,
      env: { ...env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout, stderr, exitCode: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    if (typeof failed.code !== 'number') throw error;
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', exitCode: failed.code };
  }
}

/** Like `terraform`, but a non-zero exit throws with Terraform's own message. */
export async function terraformOk(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<TerraformResult> {
  const result = await terraform(args, cwd, env);
  if (result.exitCode !== 0) throw new Error(`terraform ${args[0]} in ${cwd} exited ${result.exitCode}:\n${result.stderr || result.stdout}`);
  return result;
}
