import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { hasProviderMirror, PROVIDER_MIRROR } from './terraform';

export type Tool = 'terraform' | 'moto_server' | 'mirror';

export const INSTALL_HINTS: Record<Tool, string> = {
  terraform: 'Terraform 1.11 on PATH',
  moto_server: 'moto server on PATH (pip install "moto[server]")',
  mirror: `the hashicorp/aws 5.100.0 provider in the filesystem mirror ${PROVIDER_MIRROR}`,
};

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function missingTools(tools: Tool[]): Tool[] {
  return tools.filter((tool) => (tool === 'mirror' ? !hasProviderMirror() : !onPath(tool)));
}
