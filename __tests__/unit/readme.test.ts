import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOOKUP_STEP, OPERATE_STEPS, POST_APPLY_STEPS, PRE_DESTROY_STEPS } from '../../app-model/steps';

const root = resolve(__dirname, '../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

describe('README', () => {
  it('lists every step that is not pure Terraform, with why, in its table', () => {
    for (const step of [LOOKUP_STEP, ...POST_APPLY_STEPS, ...PRE_DESTROY_STEPS, ...OPERATE_STEPS]) {
      expect(readme).toContain(`| ${step.label} |`);
      expect(readme).toContain(step.why.replace(/(azuread_\w+|preferredTokenSigningKeyThumbprint)/g, '`$1`'));
    }
  });

  it('opens with the main job and the test command that .ci/run runs after npm ci', () => {
    const [main, tests] = [...readme.matchAll(/^npm ci && (npm \w+)/gm)].map((m) => m[1]);
    expect([main, tests]).toEqual(['npm start', 'npm test']);
    const commands = readFileSync(resolve(root, '.ci/run'), 'utf8').split('\n').filter((line) => /^npm /.test(line));
    expect(commands).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
  });
});
