/**
 * The stacks the app makes from a config, by name and in order, for everything that lists them
 * without building the app: main.ts builds them, scripts/ci/cli.ts gives the workflows their names
 * and checks a destroy's confirmation, scripts/permissions/generate.ts reads each one's synthesized
 * types, and the rehearsal (local/rehearsal) deploys them.
 */
import { Construct, RootConstruct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { AccessEntry, accessStackName, AppConfig, INSTANCE_NAMES, InstanceName } from '../app-config/schema';
import type { AppAccessStack } from './retired-access-stacks';

export { accessStackName };

type StackConfig = Pick<AppConfig, 'entra'> & AccessConfig;
type AccessConfig = { identityCenter: { access: Record<InstanceName, readonly AccessEntry[]>; accessStacks: Record<InstanceName, readonly string[]> } };

export interface AccessStackEntries {
  readonly name: string;
  readonly entries: AccessEntry[];
}

/**
 * The access stacks of one partition and the entries of each, in a stable order: `<instance>-access`
 * first (always there, even empty, so its name and state never change), then `<instance>-access-<stack>`
 * for each stack declared in identityCenter.accessStacks, by name, with or without entries: a stack that
 * loses its last entry stays, and its next deploy destroys what it held. Everything that lists stacks asks this function.
 */
export function accessStacks(config: AccessConfig, instance: InstanceName): AccessStackEntries[] {
  const entries = config.identityCenter.access[instance];
  const declared = [...new Set(config.identityCenter.accessStacks[instance])].sort();
  return [undefined, ...declared].map((stack) => ({ name: accessStackName(instance, stack), entries: entries.filter((e) => e.stack === stack) }));
}

/** Every access stack's name, partition by partition. */
export const accessStackNames = (config: AccessConfig): string[] => INSTANCE_NAMES.flatMap((instance) => accessStacks(config, instance).map((s) => s.name));

/**
 * Every stack the app makes from this config, in deploy order: both AWS stacks, azure-id (which reads
 * them), then each partition's access stacks (after azure-id has provisioned the groups they look up).
 */
export function stackNames(config: StackConfig): string[] {
  return [...INSTANCE_NAMES, config.entra.shortName, ...accessStackNames(config)];
}

/** The stacks in the order a destroy names them: the access stacks, azure-id, then both AWS stacks. */
export function destroyOrder(config: StackConfig): string[] {
  return [...accessStackNames(config), config.entra.shortName, ...INSTANCE_NAMES];
}

/** The construct id of the account assignment resource inside each AccessAssignment (constructs/access-assignment.ts). */
export const ASSIGNMENT_RESOURCE_ID = 'assignment';

/**
 * Entries grouped by principal and permission set: one assignment resource each, whose keys are
 * the union of their accounts, so an account reached by two entries gets one assignment. The map's
 * keys are the AccessAssignment construct ids (stacks/aws-access-stack.ts).
 */
export function byPrincipalAndPermissionSet(access: readonly AccessEntry[]): Map<string, AccessEntry[]> {
  const groups = new Map<string, AccessEntry[]>();
  for (const entry of access) {
    const key = `${entry.group ? `group_${entry.group}` : `user_${entry.user}`}_${entry.permissionSet}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return groups;
}

/**
 * The name an assignment resource has in its stack's state: the logical id CDKTF gives the path
 * `<key>/assignment` below a stack, asked of CDKTF itself (TerraformStack.getLogicalId) on a stack
 * of its own that nothing synthesizes.
 */
export function assignmentResourceName(key: string): string {
  const stack = new TerraformStack(new RootConstruct(), 'names');
  return stack.getLogicalId(new Construct(new Construct(stack, key), ASSIGNMENT_RESOURCE_ID).node);
}

/**
 * The access stacks this config makes, with the names of their assignment resources, without building the
 * app: what `npm run deploy`'s retired-stacks check compares with the stored states (scripts/ci/cli.ts).
 * The same list as main.ts's appAccessStacks of the built app (__tests__/unit/app-model.test.ts).
 */
export function accessStackAssignments(config: AccessConfig): AppAccessStack[] {
  return INSTANCE_NAMES.flatMap((instance) =>
    accessStacks(config, instance).map(({ name, entries }) => ({ stack: name, assignments: [...byPrincipalAndPermissionSet(entries).keys()].map(assignmentResourceName) })),
  );
}
