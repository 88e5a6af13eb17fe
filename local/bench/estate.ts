/**
 * The estate the benchmarks build (local/bench/scale.ts) and synthesize (local/bench/synth.ts): an
 * Organization per partition, groups, members, permission sets and access on OUs, at a size set by
 * flags. --full is the size: 50 accounts in 10 OUs, 20 groups of 50 members, 10 permission
 * sets, 1,000 assignments per partition.
 */
import { rawConfig } from '../../config';
import { INSTANCE_NAMES, InstanceName } from '../../app-config/schema';
import { activeAccountsUnder, BuiltOrganization } from '../rehearsal/organization';

export interface Size {
  ous: number;
  accounts: number;
  groups: number;
  members: number;
  permissionSets: number;
  parallelism: number;
  stacks: number;
  partitions: InstanceName[];
}

const SMALL: Size = { ous: 4, accounts: 8, groups: 4, members: 5, permissionSets: 4, parallelism: 15, stacks: 1, partitions: [...INSTANCE_NAMES] };
export const FULL: Size = { ...SMALL, ous: 10, accounts: 50, groups: 20, members: 50, permissionSets: 10 };

export function parseSize(argv: string[]): Size {
  const size: Size = argv.includes('--full') ? { ...FULL } : { ...SMALL };
  const numbers: Record<string, keyof Size> = { '--ous': 'ous', '--accounts': 'accounts', '--groups': 'groups', '--members': 'members', '--permission-sets': 'permissionSets', '--parallelism': 'parallelism', '--stacks': 'stacks' };
  argv.forEach((flag, i) => {
    if (numbers[flag]) (size as any)[numbers[flag]] = Number(argv[i + 1]);
    if (flag === '--partitions') size.partitions = argv[i + 1].split(',') as InstanceName[];
  });
  for (const [name, value] of Object.entries(size)) if (typeof value === 'number' && !(Number.isInteger(value) && value > 0)) throw new Error(`--${name} must be a positive whole number`);
  return size;
}

export const ouName = (k: number) => `OU-${String(k + 1).padStart(2, '0')}`;
export const groupName = (g: number) => `Bench-Group-${String(g + 1).padStart(2, '0')}`;
const permissionSetName = (p: number) => `Bench-PS-${String(p + 1).padStart(2, '0')}`;
export const userName = (u: number) => `BenchUser${String(u + 1).padStart(3, '0')}`;

/** With --stacks N, a group's entries all go to one stack, so no principal and permission set straddles two. */
const stackOf = (size: Size, g: number) => (size.stacks > 1 ? { stack: `part-${(g % size.stacks) + 1}` } : {});

/**
 * Group g gets permission set (g + k) mod P on OU k, for every OU: groups × OUs access entries, each
 * expanding to the accounts of its OU, so the full size makes 20 × 10 × 5 = 1,000 assignments.
 */
function accessEntries(size: Size, organization: BuiltOrganization) {
  return Array.from({ length: size.groups }, (_, g) =>
    Array.from({ length: size.ous }, (_, k) => ({ group: groupName(g), permissionSet: permissionSetName((g + k) % size.permissionSets), organizationalUnits: [organization.organizationalUnits.get(ouName(k))!], ...stackOf(size, g) })),
  ).flat();
}

/** The one group the last plan adds, on the first OU only. */
export const addedGroup = (size: Size, organization: BuiltOrganization) => ({ group: groupName(size.groups), permissionSet: permissionSetName(0), organizationalUnits: [organization.organizationalUnits.get(ouName(0))!], ...stackOf(size, size.groups) });

/** The lab config with the estate's users, groups, permission sets and access; `withAddedGroup` adds one group on one OU. */
export function estateConfig(size: Size, organizations: Map<InstanceName, BuiltOrganization>, withAddedGroup = false) {
  const groups = size.groups + (withAddedGroup ? 1 : 0);
  const users = Array.from({ length: size.members }, (_, u) => ({ userName: userName(u), givenName: 'Bench', familyName: `User ${u + 1}`, displayName: `Bench User ${u + 1}`, department: 'Bench' }));
  const benchGroups = Array.from({ length: groups }, (_, g) => ({ displayName: groupName(g), description: 'scale benchmark', members: users.map((u) => u.userName) }));
  const permissionSets = Array.from({ length: size.permissionSets }, (_, p) => ({ name: permissionSetName(p), description: 'scale benchmark', sessionDuration: 'PT1H', awsManagedPolicies: ['job-function/ViewOnlyAccess'] }));
  const entriesOf = (organization: BuiltOrganization) => [...accessEntries(size, organization), ...(withAddedGroup ? [addedGroup(size, organization)] : [])];
  const access = Object.fromEntries(INSTANCE_NAMES.map((instance) => [instance, organizations.has(instance) ? entriesOf(organizations.get(instance)!) : []]));
  return {
    ...rawConfig,
    users: [...rawConfig.users, ...users],
    groups: [...rawConfig.groups, ...benchGroups],
    identityCenter: { ...rawConfig.identityCenter, permissionSets: [...rawConfig.identityCenter.permissionSets, ...permissionSets], access },
    entra: { ...rawConfig.entra, assignedGroups: [...rawConfig.entra.assignedGroups, ...benchGroups.map((g) => g.displayName)] },
  };
}

/** What the access stack of a partition must create: one assignment per entry and ACTIVE account of its OU. */
export function expectedAssignments(size: Size, organization: BuiltOrganization): number {
  return Array.from({ length: size.ous }, (_, k) => activeAccountsUnder(organization, ouName(k)).length).reduce((a, b) => a + b, 0) * size.groups;
}

