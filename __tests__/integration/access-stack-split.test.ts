import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawConfig } from '../../config';
import { synthToDisk } from '../../synth-to-disk';
import { terraformOk, writeMirrorCliConfig } from '../../local/harness/terraform';

/**
 * Access entries split over stacks (docs/access-stacks.md), as cdktf and Terraform see them: the stacks
 * written to disk, the dependencies cdktf orders deploy and destroy by (manifest.json), and each split
 * stack initialized and validated through the offline mirror.
 */
describe('access entries split over stacks, synthesized to disk', () => {
  const ou = 'ou-ab12-cdef3456';
  const split = structuredClone(rawConfig) as any;
  split.identityCenter.access['aws-commercial'][1].stack = 'admin';
  split.identityCenter.access['aws-commercial'].push({ group: 'AWS-Admins', permissionSet: 'AdministratorAccess', organizationalUnits: [ou], stack: 'admin' });
  split.identityCenter.access['aws-govcloud'][0].stack = 'base';
  split.identityCenter.accessStacks = { 'aws-commercial': ['admin'], 'aws-govcloud': ['base'] };
  const work = mkdtempSync(join(tmpdir(), 'tf-split-'));
  const env = { ...process.env, TF_CLI_CONFIG_FILE: writeMirrorCliConfig(work) };
  const stacks = synthToDisk({ AWS_ENDPOINT_URL: undefined }, { rawConfig: split, dir: work });
  const manifest = JSON.parse(readFileSync(join(stacks, '..', 'manifest.json'), 'utf8'));
  const stackJson = (name: string) => JSON.parse(readFileSync(join(stacks, name, 'cdk.tf.json'), 'utf8'));
  /** "group|permission set" of every assignment in a stack. */
  const assignmentsIn = (name: string) =>
    Object.values(stackJson(name).resource?.aws_ssoadmin_account_assignment ?? {}).map((a: any) => `${/display_name == \\?"([^"\\]+)/.exec(a.principal_id)![1]}|${/\["(\w+)"\]\}$/.exec(a.permission_set_arn)![1]}`).sort();

  it('writes one stack per access stack name, each depending on its base stack and azure-id', () => {
    expect(Object.keys(manifest.stacks).sort()).toEqual(
      ['aws-commercial', 'aws-commercial-access', 'aws-commercial-access-admin', 'aws-govcloud', 'aws-govcloud-access', 'aws-govcloud-access-base', rawConfig.entra.shortName].sort(),
    );
    for (const name of ['aws-commercial-access', 'aws-govcloud-access']) {
      expect(manifest.stacks[name].dependencies).toEqual([name.startsWith('aws-govcloud') ? 'aws-govcloud' : 'aws-commercial', rawConfig.entra.shortName]);
    }
  });

  it('makes each later access stack of a partition depend on the one before it (at most 15 outstanding assignment creations per instance)', () => {
    expect(manifest.stacks['aws-commercial-access-admin'].dependencies).toEqual(['aws-commercial', rawConfig.entra.shortName, 'aws-commercial-access']);
    expect(manifest.stacks['aws-govcloud-access-base'].dependencies).toEqual(['aws-govcloud', rawConfig.entra.shortName, 'aws-govcloud-access']);
  });

  it('puts only its entries in the split stack, and leaves the original stack without them', () => {
    expect(assignmentsIn('aws-commercial-access-admin')).toEqual(['AWS-Admins|AdministratorAccess']);
    expect(JSON.stringify(stackJson('aws-commercial-access-admin').data.aws_organizations_organizational_unit_descendant_accounts)).toContain(ou);
    expect(assignmentsIn('aws-commercial-access')).toEqual(['AWS-Base|BaseViewOnly']);
    expect(JSON.stringify(stackJson('aws-commercial-access'))).not.toContain('AWS-Admins');
    expect(assignmentsIn('aws-govcloud-access-base')).toEqual(['AWS-Base|BaseViewOnly']);
    expect(assignmentsIn('aws-govcloud-access')).toEqual(['AWS-Admins|AdministratorAccess']);
  });

  it('keeps each access stack in a state of its own', () => {
    const states = ['aws-commercial-access', 'aws-commercial-access-admin'].map((name) => stackJson(name).terraform.backend.local.path);
    expect(new Set(states).size).toBe(2);
    expect(states[1]).toMatch(/aws-commercial-access-admin\.tfstate$/);
  });

  it.each(['aws-commercial-access-admin', 'aws-govcloud-access-base', 'aws-commercial-access'])('%s is valid Terraform with hashicorp/aws 5.100.0', async (name) => {
    await terraformOk(['init', '-input=false', '-backend=false'], join(stacks, name), env);
    const validate = await terraformOk(['validate', '-json'], join(stacks, name), env);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, error_count: 0 });
  });
});

/**
 * `npm run deploy` / `npm run destroy` are `cdktf deploy '*'` / `cdktf destroy '*'`. What cdktf-cli 0.21
 * does with that pattern and the stacks' dependencies, run with its own selection and scheduling code
 * (@cdktf/cli-core src/lib/helpers/stack-helpers.js, the same logic the CLI bundle holds; importing it
 * asks `terraform version`, hence this tier) over the split app's manifest, as `execute` drives them:
 * every stack that is ready starts at once (no --parallelism), the others wait for one to finish.
 * Three access stacks per partition (access, access-a, access-b): they must run one after another within
 * a partition, since Identity Center allows 15 outstanding assignment creations per instance.
 */
describe("cdktf deploy '*' and destroy '*' over split access stacks", () => {
  const helpers = require('@cdktf/cli-core/src/lib/helpers/stack-helpers');
  const split = structuredClone(rawConfig) as any;
  // Per partition: AWS-Base in <instance>-access, AWS-Admins in -access-a, a user's entry in -access-b (listed first: order is by name).
  for (const entries of Object.values(split.identityCenter.access) as any[]) {
    entries.filter((e: any) => e.group === 'AWS-Admins').forEach((e: any) => (e.stack = 'a'));
    entries.unshift({ user: 'NikkiWolf', permissionSet: 'BaseViewOnly', accounts: ['123456789012'], stack: 'b' });
  }
  split.identityCenter.accessStacks = { 'aws-commercial': ['a', 'b'], 'aws-govcloud': ['a', 'b'] };
  const stacksDir = synthToDisk({ AWS_ENDPOINT_URL: undefined }, { rawConfig: split });
  const manifest = JSON.parse(readFileSync(join(stacksDir, '..', 'manifest.json'), 'utf8'));
  const synthesized = Object.values(manifest.stacks).map((s: any) => ({ name: s.name, dependencies: s.dependencies }));
  const entra = rawConfig.entra.shortName;
  const chains = ['aws-commercial', 'aws-govcloud'].map((instance) => ['', '-a', '-b'].map((suffix) => `${instance}-access${suffix}`));
  const access = chains.flat();

  /** Runs the selected stacks as CdktfProject.execute does; returns, per stack, the stacks done when it started (`running`: those in progress then). */
  async function run(method: 'deploy' | 'destroy', running = new Map<string, string[]>()): Promise<Map<string, string[]>> {
    const selected = helpers.getMultipleStacks(synthesized, ['*'], method);
    if (method === 'deploy') helpers.checkIfAllDependenciesAreIncluded(selected);
    else helpers.checkIfAllDependantsAreIncluded(selected, synthesized);
    const executors = selected.map((stack: any) => ({ stack, currentState: 'idle', isPending: true, currentWorkPromise: undefined as Promise<void> | undefined }));
    const next = method === 'deploy' ? () => helpers.getStackWithNoUnmetDependencies(executors) : () => helpers.getStackWithNoUnmetDependants(executors);
    const doneAtStart = new Map<string, string[]>();
    const work: Promise<void>[] = [];
    while (executors.some((e: any) => e.isPending)) {
      const executor = await next();
      if (!executor) break;
      doneAtStart.set(executor.stack.name, executors.filter((e: any) => e.currentState === 'done').map((e: any) => e.stack.name));
      running.set(executor.stack.name, executors.filter((e: any) => e.currentState === 'running').map((e: any) => e.stack.name));
      Object.assign(executor, { isPending: false, currentState: 'running' });
      executor.currentWorkPromise = new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => Object.assign(executor, { currentState: 'done', currentWorkPromise: undefined }));
      work.push(executor.currentWorkPromise);
    }
    await Promise.all(work);
    return doneAtStart;
  }

  it("selects every stack with '*', split access stacks included", () => {
    expect(helpers.getMultipleStacks(synthesized, ['*'], 'deploy').map((s: any) => s.name).sort()).toEqual(['aws-commercial', 'aws-govcloud', entra, ...access].sort());
  });

  it('deploys the AWS stacks, then azure-id, then every access stack', async () => {
    const doneAtStart = await run('deploy');
    expect([...doneAtStart.keys()].sort()).toEqual(['aws-commercial', 'aws-govcloud', entra, ...access].sort());
    expect(doneAtStart.get(entra)).toEqual(expect.arrayContaining(['aws-commercial', 'aws-govcloud']));
    for (const stack of access) expect(doneAtStart.get(stack)).toContain(entra);
  });

  it('deploys the access stacks of a partition one after another (access, access-a, access-b), the partitions side by side', async () => {
    const running = new Map<string, string[]>();
    const doneAtStart = await run('deploy', running);
    for (const chain of chains) {
      const within = (stacks: string[]) => stacks.filter((stack) => chain.includes(stack));
      chain.forEach((stack, i) => {
        expect(within(doneAtStart.get(stack)!).sort()).toEqual(chain.slice(0, i).sort());
        expect(within(running.get(stack)!)).toEqual([]);
      });
    }
    // The other partition's access stack is in progress when one partition's starts.
    expect([0, 1].some((i) => running.get(chains[i][0])!.includes(chains[1 - i][0]))).toBe(true);
  });

  it('destroys the access stacks of a partition in reverse order, one after another, then azure-id, then the AWS stacks', async () => {
    const running = new Map<string, string[]>();
    const doneAtStart = await run('destroy', running);
    expect([...doneAtStart.keys()].sort()).toEqual(['aws-commercial', 'aws-govcloud', entra, ...access].sort());
    // In reverse: access-b first, then access-a, then access; never two of one partition at once.
    for (const chain of chains) {
      const within = (stacks: string[]) => stacks.filter((stack) => chain.includes(stack));
      chain.forEach((stack, i) => {
        expect(within(doneAtStart.get(stack)!).sort()).toEqual(chain.slice(i + 1).sort());
        expect(within(running.get(stack)!)).toEqual([]);
      });
    }
    expect(doneAtStart.get(entra)).toEqual(expect.arrayContaining(access));
    for (const stack of ['aws-commercial', 'aws-govcloud']) expect(doneAtStart.get(stack)).toEqual(expect.arrayContaining([...access, entra]));
  });
});
