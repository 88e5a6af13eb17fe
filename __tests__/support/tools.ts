import { INSTALL_HINTS, missingTools, Tool } from '../../tooling/tools';

/**
 * A describe block that needs real tools: run when they are there; in CI (CI=true) a missing tool
 * fails the suite; elsewhere the block is skipped with a message that says what to install.
 */
export function describeWithTools(tools: Tool[], name: string, body: () => void): void {
  const missing = missingTools(tools);
  if (missing.length === 0) return describe(name, body);
  const what = missing.map((tool) => INSTALL_HINTS[tool]).join('; ');
  if (process.env.CI === 'true') {
    describe(name, () =>
      it('has the tools it needs', () => {
        throw new Error(`CI must run "${name}", but it lacks: ${what}`);
      }),
    );
    return;
  }
  console.warn(`Skipping "${name}": install ${what}.`);
  describe.skip(name, body);
}
