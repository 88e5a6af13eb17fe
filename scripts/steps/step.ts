import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { ConsoleOperations } from '../clients/console-operations';
import { GraphApi } from '../clients/graph';
import { DeployRecord } from '../deploy-record';
import { FederationInput } from '../federation-input';
import { CATALOG, CatalogEntry, StepLabel } from '../../app-model/steps';

/** What a step finds and does: it was already so, or it changed what differed. */
export interface StepResult {
  readonly outcome: 'already so' | 'changed';
  readonly detail?: string;
}

/**
 * One fact a check read from the clouds: what it is, what was seen, and, when it is not as it
 * should be, the problem and its fix. A `warn` problem (something expires soon) is reported by
 * status but does not fail the verification.
 */
export interface Finding {
  readonly what: string;
  readonly seen: string;
  readonly problem?: string;
  readonly severity?: 'fail' | 'warn';
}

export const holds = (what: string, seen: string): Finding => ({ what, seen });
export const fails = (what: string, seen: string, problem: string): Finding => ({ what, seen, problem, severity: 'fail' });
export const isFailure = (finding: Finding) => Boolean(finding.problem) && finding.severity !== 'warn';

/** Choices the operator makes on the command line. */
export interface RunOptions {
  /** Replace the settings of an external IdP this deployment did not set (--adopt-identity-source). */
  readonly adoptIdentitySource?: boolean;
}

export interface StepContext {
  readonly input: FederationInput;
  readonly identityStore: IdentitystoreClient;
  readonly console: ConsoleOperations;
  readonly graph: GraphApi;
  /** Extra lines a step prints (a verification table); never a secret. */
  readonly log: (line: string) => void;
  /** What the last deploy set, if it was recorded. */
  readonly previous?: DeployRecord;
  /** What this run set that the record needs and state cannot tell (which token Entra holds). */
  readonly notes: RunNotes;
  readonly options?: RunOptions;
  /** The clock that expiry checks count from. */
  readonly now?: () => Date;
  /** Aborted when the run is interrupted; a step stops at its next call. */
  readonly signal?: AbortSignal;
}

export interface RunNotes {
  tokenId?: string;
}

/**
 * A labelled unit that is not pure Terraform (docs/decisions/0002-federation-link-runs-labelled-steps.md): `apply` reads, compares and changes only
 * what differs; `undo` removes what apply made, and only that; `check` says what correct looks
 * like, read from the clouds, for the verification after apply and for status.
 */
export interface Step extends CatalogEntry {
  apply(ctx: StepContext): Promise<StepResult>;
  undo?(ctx: StepContext): Promise<StepResult>;
  check(ctx: StepContext): Promise<Finding[]>;
}

export const already = (detail?: string): StepResult => ({ outcome: 'already so', detail });
export const changed = (detail?: string): StepResult => ({ outcome: 'changed', detail });

/** What a phase runs: a step's apply or undo, the verification, or an operation such as rotation. */
export interface Runnable extends StepLabel {
  run(ctx: StepContext): Promise<StepResult>;
}

type StepWork = Pick<Step, 'apply' | 'undo' | 'check'>;

/** A step with the catalog's labels, so labels live in one place; an undo and its label go together. */
export function defineStep(id: string, work: StepWork): Step {
  const entry = CATALOG.find((step) => step.id === id);
  if (!entry) throw new Error(`No step "${id}" in the catalog`);
  if (Boolean(entry.teardown) !== Boolean(work.undo)) throw new Error(`Step "${id}": the catalog and the step disagree on whether it has an undo`);
  return { ...entry, ...work };
}
