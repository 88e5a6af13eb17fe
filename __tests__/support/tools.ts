import { INSTALL_HINTS, missingTools, Tool } from '../../local/harness/tools';

/**
 * A describe block that needs real tools (Terraform, moto, the provider mirror). A missing tool fails
 * the suite with what to install, on a workstation as in CI: a suite is never skipped silently.
 * The unit tier (npm run test:unit) needs none of them.
 */
export function describeWithTools(tools: Tool[], name: string, body: () => void): void {
  const missing = missingTools(tools);
  if (missing.length === 0) return describe(name, body);
  const what = missing.map((tool) => INSTALL_HINTS[tool]).join('; ');
  describe(name, () =>
    it('has the tools it needs', () => {
      throw new Error(`"${name}" needs what this machine lacks: ${what}. Install it, or run the unit tier alone (npm run test:unit).`);
    }),
  );
}
