/**
 * What the access report reads, as plain data: one snapshot of an instance's AWS side and one of
 * the Entra side. The findings (findings.ts) are pure functions of these, so each is tested on an
 * in-memory snapshot, without a network.
 */
import { ExternalId } from '@aws-sdk/client-identitystore';
import { SyncExecution } from '../clients/graph';

/** A part of the report that could not be read says why instead of stopping the report. */
export type Readable<T> = { readonly readable: true; readonly value: T } | { readonly readable: false; readonly reason: string };

export const readable = <T>(value: T): Readable<T> => ({ readable: true, value });
export const unreadable = <T>(reason: string): Readable<T> => ({ readable: false, reason });

export interface AccountInfo {
  readonly id: string;
  readonly name?: string;
  /** Organizations' State (Status where State is absent); undefined when it answered neither. */
  readonly state?: string;
}

export interface Assignment {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly principalType: 'USER' | 'GROUP';
  readonly principalId: string;
}

export interface IdentityUser {
  readonly id: string;
  readonly userName: string;
  readonly externalIds: ExternalId[];
}

export interface IdentityGroup {
  readonly id: string;
  readonly displayName: string;
  readonly externalIds: ExternalId[];
  /** Identity store user ids of its members. */
  readonly memberIds: string[];
}

export interface ProvisioningFailure {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly reason: string;
}

/** The key of an assignment by names: what the config says and what the instance holds are compared by it. */
export const assignmentKey = (accountId: string, permissionSet: string, principalType: string, principalName: string) => `${accountId}|${permissionSet}|${principalType}|${principalName}`;

/** One access entry or base assignment of the config, by names, with the accounts it reaches now. */
export interface MeantAccess {
  readonly principalType: 'USER' | 'GROUP';
  /** A group's DisplayName or a user's UserName, as the stacks look them up. */
  readonly principal: string;
  readonly permissionSet: string;
  /** The stack whose deploy creates and deletes these assignments: the instance's base stack, or the entry's access stack (accessStackName). */
  readonly stack: string;
  /** An access entry's targets in words ("OU ou-…"); absent for identityCenter.assignments, which reach the current account only. */
  readonly scope?: string;
  readonly accountIds: string[];
}

export interface AwsSnapshot {
  readonly instance: string;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly accounts: AccountInfo[];
  readonly permissionSets: { readonly arn: string; readonly name: string }[];
  readonly assignments: Assignment[];
  readonly users: IdentityUser[];
  readonly groups: IdentityGroup[];
  readonly provisioningFailures: Readable<ProvisioningFailure[]>;
  /** What the config means in this instance (Terraform manages those assignments). */
  readonly meant: Readable<MeantAccess[]>;
}

export interface PimGroup {
  /** User principal names (or Entra object ids when unknown) eligible for membership. */
  readonly eligible: string[];
  /** Those holding the membership now, with how: "activated" (by themselves) or "assigned". */
  readonly active: { readonly name: string; readonly how: string }[];
}

export interface EntraSnapshot {
  /** When the memberships were read (ISO). */
  readonly readAt: string;
  /** Entra group object id → its direct members' user principal names. */
  readonly groups: Record<string, Readable<string[]>>;
  /** The provisioning job's last cycles (Graph synchronizationStatus). */
  readonly cycle: Readable<{ readonly lastExecution?: SyncExecution | null; readonly lastSuccessfulExecution?: SyncExecution | null }>;
  /** Entra group object id → PIM for Groups state. */
  readonly pim: Readable<Record<string, PimGroup>>;
  /** Entra group object id → when a difference with Identity Center was first seen, when a later cycle was awaited (collect.ts). */
  readonly differenceSeenAt?: Record<string, string>;
}

export type FindingKind = 'orphan' | 'unmanaged' | 'out-of-scope' | 'missing' | 'drift' | 'lag' | 'provisioning-failed' | 'pim' | 'not-readable';

export interface AccessFinding {
  readonly kind: FindingKind;
  readonly instance: string;
  /** What it is about, by name ("group AWS-Base", "account 111111111111 / BaseViewOnly"). */
  readonly subject: string;
  readonly detail: string;
  /** What to do; absent for what only informs (PIM state, a lag). */
  readonly action?: string;
  /** Exit code 1 when any finding needs action. */
  readonly needsAction: boolean;
}
