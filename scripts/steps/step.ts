import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { ConsoleOperations } from '../clients/console-operations';
import { GraphApi } from '../clients/graph';
import { DeployRecord } from '../deploy-record';
import { FederationInput } from '../federation-input';
import { StepLabel, OPERATE_STEPS, POST_APPLY_STEPS, PRE_DESTROY_STEPS } from './catalog';

/** What a step finds and does: it was already so, or it changed what differed. */
export interface StepResult {
  readonly outcome: 'already so' | 'changed';
  readonly detail?: string;
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
}

export interface RunNotes {
  tokenId?: string;
}

/** A labelled unit that is not pure Terraform (style.md): read, compare, change only what differs. */
export interface Step extends StepLabel {
  run(ctx: StepContext): Promise<StepResult>;
}

export const already = (detail?: string): StepResult => ({ outcome: 'already so', detail });
export const changed = (detail?: string): StepResult => ({ outcome: 'changed', detail });

/** The catalog's label for a step id, so labels live in one place. */
export function labelled(id: string, run: Step['run']): Step {
  const label = [...POST_APPLY_STEPS, ...PRE_DESTROY_STEPS, ...OPERATE_STEPS].find((step) => step.id === id);
  if (!label) throw new Error(`No step "${id}" in the catalog`);
  return { ...label, run };
}
