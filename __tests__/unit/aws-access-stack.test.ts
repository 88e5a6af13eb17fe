import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { DataAwsIdentitystoreGroups } from '@cdktf/provider-aws/lib/data-aws-identitystore-groups';
import { DataAwsIdentitystoreUsers } from '@cdktf/provider-aws/lib/data-aws-identitystore-users';
import { DataAwsOrganizationsOrganizationalUnitDescendantAccounts } from '@cdktf/provider-aws/lib/data-aws-organizations-organizational-unit-descendant-accounts';
import { DataAwsOrganizationsOrganization } from '@cdktf/provider-aws/lib/data-aws-organizations-organization';
import { loadConfig, rawConfig } from '../../config';
import { INSTANCE_NAMES } from '../../app-config/schema';
import { accessStackName, accessStacks } from '../../app-model/stacks';
import { UNKNOWN_ACCOUNT_STATE_MESSAGE } from '../../constructs/account-targets';

// The state Terraform reads: the newer providers' state, else the retired status (aws 5.100.0), else UNKNOWN.
const STATE_OF_VAL = 'coalesce(try(val.state, ""), try(val.status, ""), "UNKNOWN")';
import { appAccessStacks, buildApp } from '../../main';
import { MovedAssignmentError } from '../../app-model/retired-access-stacks';
import { parsed, stackOf, synthApp, synthStack, withEnv } from '../support/synth';

const NO_ENDPOINT = { AWS_ENDPOINT_URL: undefined };
const synthAccess = (instance: string, raw?: unknown) => withEnv(NO_ENDPOINT, () => synthStack(`${instance}-access`, raw));

/** The shipped config with more access in aws-commercial. */
function withAccess(change: (config: any) => void): unknown {
  const copy = structuredClone(rawConfig) as any;
  change(copy);
  return copy;
}
const ou = 'ou-ab12-cdef3456';
// How an access stack reads the permission sets' ARNs from its base stack's local state (none when the file is missing).
const BASE_ARNS = 'try(data.terraform_remote_state.base_state[0].outputs.permission_set_arns, {})';
const withOrganizationTargets = withAccess((c) => {
  c.identityCenter.access['aws-commercial'].push(
    { group: 'AWS-Base', permissionSet: 'RegionalAdmin', organizationalUnits: [ou, 'r-ab12'] },
    { group: 'AWS-Admins', permissionSet: 'RegionalAdmin', allAccounts: true },
    { user: 'NikkiWolf', permissionSet: 'RegionalAdmin', accounts: ['123456789012', 'current'] },
  );
  // Her RegionalAdmin on the current account moves from the base stack to this entry: one state per assignment.
  c.identityCenter.assignments = c.identityCenter.assignments.filter((a: any) => a.permissionSet !== 'RegionalAdmin');
});

describe.each(INSTANCE_NAMES)('%s-access stack', (instance) => {
  const stack = synthAccess(instance);
  const json = parsed(stack);
  const assignments = () => Object.values(json.resource[SsoadminAccountAssignment.tfResourceType]) as any[];

  it('is named after its instance', () => {
    expect(accessStackName(instance)).toBe(`${instance}-access`);
  });

  it('uses its partition profile and region, and retries adaptively (throttling: provider issues 24858, 35646)', () => {
    expect(stack).toHaveProviderWithProperties(AwsProvider, { profile: rawConfig.aws[instance].profile, region: rawConfig.aws[instance].region, retry_mode: 'adaptive', max_retries: 25 });
  });

  it('reads each permission set it assigns from its base stack\'s state, never by name (P lookups cost P × P DescribePermissionSet)', () => {
    expect(json.data.aws_ssoadmin_permission_set).toBeUndefined();
    expect(Object.keys(json.data.terraform_remote_state)).toEqual(['base_state']);
    const arns = assignments().map((a) => a.permission_set_arn).sort();
    expect(arns).toEqual(['AdministratorAccess', 'BaseViewOnly'].map((name) => `\${${BASE_ARNS}["${name}"]}`));
  });

  // With local state the base stack's state is read only once its file exists: a plan before its first deploy gets the message below.
  it('reads the base stack\'s local state only once the file exists', () => {
    expect(json.data.terraform_remote_state.base_state.count).toBe(`\${fileexists("${join(process.cwd(), `terraform.${instance}.tfstate`)}") ? 1 : 0}`);
  });

  it('stops the plan, naming the base stack and the deploy to run, when its state has no ARN for a permission set it assigns', () => {
    const [postcondition] = json.data.aws_caller_identity.base_state_check.lifecycle.postcondition;
    expect(postcondition.condition).toBe(`\${alltrue([for name in ["BaseViewOnly", "AdministratorAccess"] : contains(keys(${BASE_ARNS}), name)])}`);
    // No assignment is planned before the check holds.
    for (const assignment of assignments()) expect(assignment.depends_on).toEqual(['data.aws_caller_identity.base_state_check']);
    expect(postcondition.error_message).toBe(
      `The state of ${instance} has no ARN for one of the permission sets BaseViewOnly, AdministratorAccess (output permission_set_arns): deploy ${instance} first (npm run deploy deploys it before the access stacks), then plan ${instance}-access again.`,
    );
  });

  it('finds each group in the identity store and stops the plan, naming the group and the step to run, when SCIM has not provisioned it', () => {
    const [groups] = Object.values(json.data[DataAwsIdentitystoreGroups.tfResourceType]) as any[];
    expect(groups.lifecycle.postcondition).toEqual(
      ['AWS-Base', 'AWS-Admins'].map((name) => ({
        condition: `\${length([for g in self.groups : g if g.display_name == "${name}" && length(g.external_ids) > 0]) == 1}`,
        error_message: `Group "${name}" is not in the ${instance} identity store as a group provisioned by SCIM (missing, or without ExternalIds). Entra provisions it once azure-id is deployed: run \`npm run federation -- post-apply --instance ${instance}\` (it provisions the assigned groups on demand), then deploy ${instance}-access again.`,
      })),
    );
  });

  it('assigns each group its permission set on the current account, one resource per principal and permission set, for_each keyed by account id', () => {
    expect(assignments()).toHaveLength(2);
    expect(stack).toHaveResourceWithProperties(SsoadminAccountAssignment, {
      principal_type: 'GROUP',
      principal_id: expect.stringMatching(/^\$\{one\(\[for g in data\.aws_identitystore_groups\.principals_groups_\w+\.groups : g\.group_id if g\.display_name == "AWS-Base"\]\)\}$/),
      permission_set_arn: `\${${BASE_ARNS}["BaseViewOnly"]}`,
      target_type: 'AWS_ACCOUNT',
      target_id: '${each.value}',
      for_each: expect.stringMatching(/^\$\{toset\(concat\(\[data\.aws_caller_identity\.instance_caller_\w+\.account_id\]\)\)\}$/),
    });
  });
});

describe('organization targets', () => {
  const stack = synthAccess('aws-commercial', withOrganizationTargets);
  const json = parsed(stack);
  const assignmentsOf = (permissionSet: string) =>
    Object.entries(json.resource[SsoadminAccountAssignment.tfResourceType] as Record<string, any>).filter(([, a]) => a.permission_set_arn.endsWith(`["${permissionSet}"]}`));

  it('reads the descendant accounts of each OU and the Organization', () => {
    expect(stack).toHaveDataSourceWithProperties(DataAwsOrganizationsOrganizationalUnitDescendantAccounts, { parent_id: ou });
    expect(stack).toHaveDataSourceWithProperties(DataAwsOrganizationsOrganizationalUnitDescendantAccounts, { parent_id: 'r-ab12' });
    expect(stack).toHaveDataSource(DataAwsOrganizationsOrganization);
  });

  it('expands OUs and allAccounts to ACTIVE accounts without the management account', () => {
    const [[, byOu]] = assignmentsOf('RegionalAdmin').filter(([, a]) => a.principal_id.includes('"AWS-Base"'));
    expect(byOu.for_each).toMatch(/toset\(data\.aws_organizations_organizational_unit_descendant_accounts\.targets_descendants_ou-ab12-cdef3456_\w+\.accounts\): val\.id if/);
    expect(byOu.for_each).toContain(`val.id if ${STATE_OF_VAL} == "ACTIVE" && val.id != `);
    expect(byOu.for_each).toMatch(/ && val\.id != data\.aws_organizations_organization\.targets_organization_\w+\.master_account_id/);
    expect((byOu.for_each.match(/descendant_accounts\./g) ?? []).length).toBe(2);
    const [[, byOrganization]] = assignmentsOf('RegionalAdmin').filter(([, a]) => a.principal_id.includes('"AWS-Admins"'));
    expect(byOrganization.for_each).toMatch(/toset\(data\.aws_organizations_organization\.targets_organization_\w+\.accounts\): val\.id if coalesce/);
    expect(byOrganization.for_each).toContain(`val.id if ${STATE_OF_VAL} == "ACTIVE" && val.id != `);
  });

  // Organizations retired the account Status on 2026-09-09; a read that cannot tell an account's state must stop the plan, not shrink it.
  it('stops the plan when an Organizations read holds an account with neither state nor status', () => {
    const reads = [...Object.values(json.data.aws_organizations_organizational_unit_descendant_accounts), ...Object.values(json.data.aws_organizations_organization)] as any[];
    expect(reads).toHaveLength(3);
    for (const read of reads) {
      expect(read.lifecycle.postcondition).toEqual([
        { condition: `\${alltrue([for account in self.accounts : ${STATE_OF_VAL.replace(/val/g, 'account')} != "UNKNOWN"])}`, error_message: UNKNOWN_ACCOUNT_STATE_MESSAGE },
      ]);
    }
  });

  it('names explicit accounts as given, and the current one by the caller identity', () => {
    const [[, byUser]] = assignmentsOf('RegionalAdmin').filter(([, a]) => a.principal_type === 'USER');
    expect(byUser.for_each).toMatch(/^\$\{toset\(concat\(\["123456789012", data\.aws_caller_identity\.instance_caller_\w+\.account_id\]\)\)\}$/);
    // From the list of all users, whose postcondition names a missing user (the single-user data source fails with the provider's error first).
    expect(byUser.principal_id).toMatch(/^\$\{one\(\[for u in data\.aws_identitystore_users\.principals_users_\w+\.users : u\.user_id if u\.user_name == "NikkiWolf@example\.onmicrosoft\.com"\]\)\}$/);
    expect(stack).toHaveDataSourceWithProperties(DataAwsIdentitystoreUsers, {
      lifecycle: { postcondition: [expect.objectContaining({ condition: '${length([for u in self.users : u if u.user_name == "NikkiWolf@example.onmicrosoft.com"]) == 1}' })] },
    });
  });
});

describe('adding to the config only adds', () => {
  /** Every resource and data source address of a stack. */
  const addresses = (synthesized: string) => {
    const json = parsed(synthesized);
    return [json.resource, json.data].flatMap((blocks) => Object.entries(blocks ?? {}).flatMap(([type, byName]) => Object.keys(byName as object).map((name) => `${type}.${name}`)));
  };
  const before = synthAccess('aws-commercial', withOrganizationTargets);

  it.each([
    ['a group with access', (c: any) => {
      c.groups.push({ displayName: 'AWS-Auditors', description: 'Auditors', members: ['RichRoe'] });
      c.entra.assignedGroups.push('AWS-Auditors');
      c.identityCenter.access['aws-commercial'].unshift({ group: 'AWS-Auditors', permissionSet: 'BaseViewOnly', organizationalUnits: [ou] });
    }],
    ['an account and an OU to existing entries', (c: any) => {
      c.identityCenter.access['aws-commercial'][0].accounts.unshift('210987654321');
      c.identityCenter.access['aws-commercial'][2].organizationalUnits.unshift('ou-ab12-99999999');
    }],
    ['a member to a group', (c: any) => c.groups[1].members.push('RichRoe')],
  ])('adding %s removes and renames nothing', (_what, change) => {
    const grown = structuredClone(withOrganizationTargets) as any;
    change(grown);
    const after = synthAccess('aws-commercial', grown);
    expect(addresses(after)).toEqual(expect.arrayContaining(addresses(before)));
    const assignmentsBefore = parsed(before).resource[SsoadminAccountAssignment.tfResourceType];
    const assignmentsAfter = parsed(after).resource[SsoadminAccountAssignment.tfResourceType];
    for (const [name, assignment] of Object.entries(assignmentsBefore) as [string, any][]) {
      // Only the set of account ids may grow; what identifies an assignment stays as it was.
      const { for_each: _grown, ...identity } = assignment;
      expect(assignmentsAfter[name]).toMatchObject(identity);
    }
  });
});

describe('the app', () => {
  it('builds an access stack per partition after its base stack and azure-id, so destroy removes it first', () => {
    const app = withEnv(NO_ENDPOINT, () => synthApp());
    for (const instance of INSTANCE_NAMES) {
      const access = stackOf(app, accessStackName(instance));
      expect(access.dependencies.map((d) => d.node.id)).toEqual([instance, rawConfig.entra.shortName]);
    }
  });

  it('keeps the access stacks in the S3 state backend too', () => {
    const s3 = withAccess((c) => (c.state.backend = 's3'));
    const json = parsed(synthAccess('aws-govcloud', s3));
    expect(json.terraform.backend.s3).toMatchObject({ bucket: rawConfig.state.s3.bucket, key: `${rawConfig.state.s3.keyPrefix}/aws-govcloud-access.tfstate`, use_lockfile: true });
  });

  it('synthesizes access stacks that pass CDKTF validation', () => {
    const app = withEnv(NO_ENDPOINT, () => synthApp(withOrganizationTargets));
    expect(Testing.fullSynth(stackOf(app, 'aws-commercial-access'))).toBeTruthy();
  });
});

describe('access split over stacks (at scale)', () => {
  const admins = { group: 'AWS-Admins', permissionSet: 'AdministratorAccess', organizationalUnits: [ou], stack: 'admin' };
  /** The shipped config with AWS-Admins' entries in aws-commercial-access-admin, and a user's in …-workloads, listed before them. */
  const split = withAccess((c) => {
    const entries = c.identityCenter.access['aws-commercial'];
    entries[1].stack = 'admin';
    entries.unshift({ user: 'NikkiWolf', permissionSet: 'BaseViewOnly', accounts: ['123456789012'], stack: 'workloads' });
    entries.push(admins);
    c.identityCenter.accessStacks['aws-commercial'] = ['workloads', 'admin'];
  });
  const names = (raw: unknown, instance: (typeof INSTANCE_NAMES)[number]) => accessStacks(loadConfig(raw), instance).map((s) => s.name);

  it('gives one stack per partition for the shipped config, under the name it always had', () => {
    for (const instance of INSTANCE_NAMES) {
      expect(accessStacks(loadConfig(), instance)).toEqual([{ name: `${instance}-access`, entries: loadConfig().identityCenter.access[instance] }]);
    }
  });

  it('gives the default stack first, then one per stack name in name order, whatever the order of the entries', () => {
    expect(names(split, 'aws-commercial')).toEqual(['aws-commercial-access', 'aws-commercial-access-admin', 'aws-commercial-access-workloads']);
    expect(names(split, 'aws-govcloud')).toEqual(['aws-govcloud-access']);
    const reversed = withAccess((c) => {
      c.identityCenter.access['aws-commercial'] = structuredClone((split as any).identityCenter.access['aws-commercial']).reverse();
      c.identityCenter.accessStacks['aws-commercial'] = [...(split as any).identityCenter.accessStacks['aws-commercial']].reverse();
    });
    expect(names(reversed, 'aws-commercial')).toEqual(names(split, 'aws-commercial'));
  });

  it('gives each stack exactly its entries, in config order', () => {
    const [main, admin, workloads] = accessStacks(loadConfig(split), 'aws-commercial');
    expect(main.entries.map((e) => `${e.group ?? e.user} ${e.stack}`)).toEqual(['AWS-Base undefined']);
    expect(admin.entries.map((e) => `${e.group ?? e.user} ${e.permissionSet} ${e.stack}`)).toEqual(['AWS-Admins AdministratorAccess admin', 'AWS-Admins AdministratorAccess admin']);
    expect(workloads.entries.map((e) => `${e.group ?? e.user} ${e.stack}`)).toEqual(['NikkiWolf workloads']);
  });

  it('keeps the default stack when every entry names another, so its name and state stay', () => {
    const allMoved = withAccess((c) => {
      c.identityCenter.access['aws-govcloud'].forEach((e: any) => (e.stack = 'all'));
      c.identityCenter.accessStacks['aws-govcloud'] = ['all'];
    });
    expect(accessStacks(loadConfig(allMoved), 'aws-govcloud')).toEqual([{ name: 'aws-govcloud-access', entries: [] }, { name: 'aws-govcloud-access-all', entries: loadConfig(allMoved).identityCenter.access['aws-govcloud'] }]);
  });

  it('builds one access stack per name, each after its base stack, azure-id and the access stack before it in its partition', () => {
    const app = withEnv(NO_ENDPOINT, () => synthApp(split));
    // One after another per partition: Identity Center allows 15 outstanding assignment creations per instance.
    const previous = { 'aws-commercial-access-admin': ['aws-commercial-access'], 'aws-commercial-access-workloads': ['aws-commercial-access-admin'] } as Record<string, string[]>;
    for (const name of [...names(split, 'aws-commercial'), 'aws-govcloud-access']) {
      expect(stackOf(app, name).dependencies.map((d) => d.node.id)).toEqual([name.startsWith('aws-govcloud') ? 'aws-govcloud' : 'aws-commercial', rawConfig.entra.shortName, ...(previous[name] ?? [])]);
    }
  });

  it('moves an entry without renaming its assignment: the same resource key in the new stack, the others unchanged in the old', () => {
    const assignments = (raw: unknown, stack: string) => parsed(withEnv(NO_ENDPOINT, () => synthStack(stack, raw))).resource[SsoadminAccountAssignment.tfResourceType] as Record<string, any>;
    const before = assignments(undefined, 'aws-commercial-access');
    const moved = withAccess((c) => {
      c.identityCenter.access['aws-commercial'][1].stack = 'admin';
      c.identityCenter.accessStacks['aws-commercial'] = ['admin'];
    });
    expect(Object.keys(before)).toHaveLength(2);
    const keyOf = (group: string) => Object.keys(before).find((key) => before[key].principal_id.includes(`"${group}"`))!;
    const [baseKey, adminKey] = [keyOf('AWS-Base'), keyOf('AWS-Admins')];
    expect(assignments(moved, 'aws-commercial-access')).toEqual({ [baseKey]: before[baseKey] });
    expect(Object.keys(assignments(moved, 'aws-commercial-access-admin'))).toEqual([adminKey]);
    expect(assignments(moved, 'aws-commercial-access-admin')[adminKey]).toMatchObject({ principal_type: 'GROUP', permission_set_arn: before[adminKey].permission_set_arn });
  });
});

/**
 * Each access stack reads its partition's base stack's state through terraform_remote_state, configured
 * with the very backend the base stack writes to, in every backend mode the app has (constructs/state-backend.ts).
 */
describe("the base stack's state, as the access stacks read it", () => {
  const split = withAccess((c) => {
    c.identityCenter.access['aws-commercial'][1].stack = 'admin';
    c.identityCenter.access['aws-govcloud'][0].stack = 'base';
    c.identityCenter.accessStacks = { 'aws-commercial': ['admin'], 'aws-govcloud': ['base'] };
  });
  const inS3 = (raw: unknown) => {
    const copy = structuredClone(raw) as any;
    copy.state.backend = 's3';
    return copy;
  };
  const synthAll = (raw: unknown, stateDir?: string) => {
    const app = Testing.app();
    withEnv(NO_ENDPOINT, () => buildApp(app, { rawConfig: raw, stateDir }));
    return (name: string) => parsed(Testing.synth(stackOf(app, name)));
  };
  const modes: [string, unknown, string | undefined][] = [
    ['local, in the project root (the default)', split, undefined],
    ['local, under a stateDir (tests and the rehearsal)', split, '/var/tmp/rehearsal-state'],
    ['s3, with the profile of state.s3', inS3(split), undefined],
  ];

  it.each(modes)('%s: the remote state of every access stack is its base stack\'s backend', (_mode, raw, stateDir) => {
    const stackJson = synthAll(raw, stateDir);
    const config = loadConfig(raw);
    for (const instance of INSTANCE_NAMES) {
      const [[type, producer]] = Object.entries(stackJson(instance).terraform.backend) as [string, any][];
      for (const { name } of accessStacks(config, instance)) {
        const { backend, config: read } = stackJson(name).data.terraform_remote_state.base_state;
        expect(backend).toBe(type);
        // use_lockfile is a writer's setting (the lock file); a reader takes no lock.
        const { use_lockfile: _lock, ...where } = producer;
        expect(read).toEqual(where);
      }
    }
  });

  it.each(modes)('%s: the base state is read only once it exists, and in GovCloud the S3 key is listed with the state profile in its region', (_mode, raw, stateDir) => {
    const stack = synthAll(raw, stateDir)('aws-govcloud-access');
    const count = stack.data.terraform_remote_state.base_state.count;
    if ((raw as any).state.backend === 's3') {
      const s3 = rawConfig.state.s3;
      const [[id, listed]] = Object.entries(stack.data.aws_s3_objects) as [string, any][];
      expect(listed).toEqual({ provider: 'aws.state_bucket', bucket: s3.bucket, prefix: `${s3.keyPrefix}/aws-govcloud.tfstate` });
      expect(stack.provider.aws).toContainEqual(expect.objectContaining({ alias: 'state_bucket', profile: s3.profile, region: s3.region }));
      expect(count).toBe(`\${contains(data.aws_s3_objects.${id}.keys, "${s3.keyPrefix}/aws-govcloud.tfstate") ? 1 : 0}`);
    } else {
      expect(stack.data.aws_s3_objects).toBeUndefined();
      expect(count).toBe(`\${fileexists(${JSON.stringify(join(stateDir ?? process.cwd(), 'terraform.aws-govcloud.tfstate'))}) ? 1 : 0}`);
    }
  });

  it.each(modes)('%s: the state file or key is the base stack\'s own', (_mode, raw, stateDir) => {
    const stackJson = synthAll(raw, stateDir);
    const read = stackJson('aws-govcloud-access').data.terraform_remote_state.base_state.config;
    const s3 = rawConfig.state.s3;
    if ((raw as any).state.backend === 's3') {
      expect(read).toEqual({ bucket: s3.bucket, key: `${s3.keyPrefix}/aws-govcloud.tfstate`, region: s3.region, profile: s3.profile, encrypt: true });
    } else {
      expect(read).toEqual({ path: join(stateDir ?? process.cwd(), 'terraform.aws-govcloud.tfstate') });
    }
  });

  it('the base stack outputs every permission set\'s ARN by name', () => {
    const base = synthAll(split)('aws-commercial');
    const names = rawConfig.identityCenter.permissionSets.map((p) => p.name).sort();
    expect(Object.keys(base.output.permission_set_arns.value).sort()).toEqual(names);
    for (const name of names) expect(base.output.permission_set_arns.value[name]).toMatch(new RegExp(`^\\$\\{aws_ssoadmin_permission_set\\.${name}_permission_set_\\w+\\.arn\\}$`));
  });

  it('an access stack with no entries reads no state', () => {
    const allMoved = withAccess((c) => {
      c.identityCenter.access['aws-govcloud'].forEach((e: any) => (e.stack = 'all'));
      c.identityCenter.accessStacks['aws-govcloud'] = ['all'];
    });
    expect(synthAll(allMoved)('aws-govcloud-access').data?.terraform_remote_state).toBeUndefined();
  });
});

/**
 * Removing access from the config removes it in AWS: a split access stack whose last entry is removed stays in the
 * app (declared in identityCenter.accessStacks), empty, so its next deploy destroys its assignments; and an app that
 * would drop a stack whose state still holds resources is refused before anything is synthesized.
 */
describe('an access stack that loses its last entry', () => {
  const adminSplit = (withEntries: boolean) =>
    withAccess((c) => {
      for (const instance of INSTANCE_NAMES) {
        const entries = c.identityCenter.access[instance];
        entries.filter((e: any) => e.group === 'AWS-Admins').forEach((e: any) => (e.stack = 'admin'));
        if (!withEntries) c.identityCenter.access[instance] = entries.filter((e: any) => e.group !== 'AWS-Admins');
        c.identityCenter.accessStacks[instance] = ['admin'];
      }
    });

  it('stays in the app, with no assignment, while its name is declared: its next deploy destroys what it holds', () => {
    for (const instance of INSTANCE_NAMES) {
      const admin = parsed(withEnv(NO_ENDPOINT, () => synthStack(`${instance}-access-admin`, adminSplit(false))));
      expect(admin.resource?.[SsoadminAccountAssignment.tfResourceType]).toBeUndefined();
      const before = parsed(withEnv(NO_ENDPOINT, () => synthStack(`${instance}-access-admin`, adminSplit(true))));
      expect(Object.keys(before.resource[SsoadminAccountAssignment.tfResourceType])).toHaveLength(1);
    }
  });

  const stateWith = (resources: unknown[]) => JSON.stringify({ version: 4, resources });
  const assignment = { mode: 'managed', type: 'aws_ssoadmin_account_assignment', name: 'x', instances: [{ index_key: '111111111111' }, { index_key: '222222222222' }] };

  it('is refused when the app no longer makes it but its local state holds resources, naming the state and the fix', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'retired-'));
    writeFileSync(join(stateDir, 'terraform.aws-govcloud-access-admin.tfstate'), stateWith([assignment, { mode: 'data', type: 'aws_caller_identity', name: 'c', instances: [{}] }]));
    expect(() => withEnv(NO_ENDPOINT, () => buildApp(Testing.app(), { rawConfig: adminSplit(true), stateDir }))).not.toThrow();
    expect(() => withEnv(NO_ENDPOINT, () => buildApp(Testing.app(), { stateDir }))).toThrow(
      `aws-govcloud-access-admin is no longer in the app, but its state (${join(stateDir, 'terraform.aws-govcloud-access-admin.tfstate')}) still holds 2 resources, its assignments among them: ` +
        `put "admin" back in identityCenter.accessStacks['aws-govcloud'] in config.ts, deploy (a declared stack without entries destroys what it holds), then remove it.`,
    );
  });

  it('is refused when an entry moves to another access stack in one deploy while the old stack\'s state holds its assignment, naming both', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'moved-'));
    const shipped = withEnv(NO_ENDPOINT, () => appAccessStacks(buildApp(Testing.app(), { stateDir })));
    const admins = shipped.find((s) => s.stack === 'aws-govcloud-access')!.assignments.find((name) => name.includes('AWS-Admins'))!;
    writeFileSync(join(stateDir, 'terraform.aws-govcloud-access.tfstate'), stateWith([{ ...assignment, name: admins }]));
    expect(() => withEnv(NO_ENDPOINT, () => buildApp(Testing.app(), { rawConfig: adminSplit(true), stateDir }))).toThrow(MovedAssignmentError);
    expect(() => withEnv(NO_ENDPOINT, () => buildApp(Testing.app(), { rawConfig: adminSplit(true), stateDir }))).toThrow(`${admins} moves from aws-govcloud-access (its state, ${join(stateDir, 'terraform.aws-govcloud-access.tfstate')}, holds it) to aws-govcloud-access-admin in one deploy`);
    expect(() => withEnv(NO_ENDPOINT, () => buildApp(Testing.app(), { stateDir }))).not.toThrow();
  });

  it('may leave the app once its state holds nothing (after the deploy that emptied it)', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'retired-'));
    writeFileSync(join(stateDir, 'terraform.aws-govcloud-access-admin.tfstate'), stateWith([{ mode: 'data', type: 'aws_caller_identity', name: 'c', instances: [{}] }]));
    writeFileSync(join(stateDir, 'terraform.aws-govcloud.tfstate'), stateWith([assignment]));
    expect(() => withEnv(NO_ENDPOINT, () => buildApp(Testing.app(), { stateDir }))).not.toThrow();
  });
});
