import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { hasProviderMirror, PROVIDER_MIRROR } from '../../tooling/terraform';

const INSTALL_HINTS: Record<string, string> = {
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

export function missingTools(tools: Array<'terraform' | 'moto_server' | 'mirror'>): string[] {
  return tools.filter((tool) => (tool === 'mirror' ? !hasProviderMirror() : !onPath(tool)));
}

/**
 * A describe block that needs real tools: run when they are there; in CI (CI=true) a missing tool
 * fails the suite; elsewhere the block is skipped with a message that says what to install.
 */
export function describeWithTools(tools: Array<'terraform' | 'moto_server' | 'mirror'>, name: string, body: () => void): void {
  const missing = missingTools(tools);
  if (missing.length === 0) return describe(name, body);
  const what = missing.map((tool) => INSTALL_HINTS[tool]).join('; ');
  if (process.env.CI === 'true') {
    describe(name, () => it('has the tools it needs', () => {
      throw new Error(`CI must run "${name}", but it lacks: ${what}`);
    }));
    return;
  }
  console.warn(`Skipping "${name}": install ${what}.`);
  describe.skip(name, body);
}
