import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { hasProviderMirror, PROVIDER_MIRROR } from './terraform';

export type Tool = 'terraform' | 'moto_server' | 'mirror';

export const INSTALL_HINTS: Record<Tool, string> = {
  terraform: 'Terraform 1.11 on PATH',
  moto_server: 'moto 5.2.1 importable by python3 (python3 -m pip install "moto[server]==5.2.1")',
  mirror: `the hashicorp/aws 5.100.0 provider in the filesystem mirror ${PROVIDER_MIRROR}`,
};

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** local/emulators/moto-server.ts starts moto as `python3 -c "from moto.server import main"`: check exactly that. */
function motoImportable(env: NodeJS.ProcessEnv): boolean {
  return spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore', env }).status === 0;
}

const PRESENT: Record<Tool, (env: NodeJS.ProcessEnv) => boolean> = {
  terraform: (env) => onPath('terraform', env),
  moto_server: motoImportable,
  mirror: () => hasProviderMirror(),
};

export function missingTools(tools: Tool[], env: NodeJS.ProcessEnv = process.env): Tool[] {
  return tools.filter((tool) => !PRESENT[tool](env));
}
