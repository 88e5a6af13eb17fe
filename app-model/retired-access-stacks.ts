import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTANCE_NAMES } from '../app-config/schema';
import { stackOfLocalStateFile } from './state';

/** A stack's state as found where the state backend keeps it. */
export interface StoredState {
  readonly stack: string;
  /** Where it is, for the message: a file path or an S3 URL. */
  readonly location: string;
  /** Resource instances it holds (data sources are not counted: they hold nothing). */
  readonly resources: number;
  /** The names of its account assignment resources that hold at least one assignment. */
  readonly assignments: readonly string[];
}

/** An access stack of the app, with the names of its account assignment resources (their keys in state). */
export interface AppAccessStack {
  readonly stack: string;
  readonly assignments: readonly string[];
}

const ACCESS_STACK_NAME = new RegExp(`^(${INSTANCE_NAMES.join('|')})-access(-[a-z0-9-]+)?$`);

/** Whether a stack name is an access stack's (`<instance>-access` or `<instance>-access-<stack>`). */
export const isAccessStackName = (name: string) => ACCESS_STACK_NAME.test(name);

type StateResource = { mode: string; type: string; name: string; instances?: unknown[] };

/** What a Terraform state (format 4) holds: its resource instances, data sources left out, and its assignment resources. */
export function stateContents(stateJson: string): Pick<StoredState, 'resources' | 'assignments'> {
  const managed = ((JSON.parse(stateJson) as { resources?: StateResource[] }).resources ?? []).filter((r) => r.mode === 'managed');
  return {
    resources: managed.reduce((sum, r) => sum + (r.instances?.length ?? 0), 0),
    assignments: managed.filter((r) => r.type === 'aws_ssoadmin_account_assignment' && r.instances?.length).map((r) => r.name),
  };
}

/**
 * Access stacks whose state still holds resources but that the app no longer makes. A stack that leaves the
 * app keeps its state, and `cdktf deploy` never plans anything for it again: its assignments would stay in AWS,
 * silently. identityCenter.accessStacks keeps a declared stack in the app until its name is removed; this
 * catches the name removed too early.
 */
export function retiredAccessStates(appStacks: readonly string[], stored: readonly StoredState[]): StoredState[] {
  return stored.filter((s) => isAccessStackName(s.stack) && !appStacks.includes(s.stack) && s.resources > 0);
}

export class RetiredStackError extends Error {
  constructor(readonly retired: StoredState[]) {
    super(
      retired
        .map((s) => {
          const [, instance, suffix] = ACCESS_STACK_NAME.exec(s.stack)!;
          const name = suffix?.slice(1);
          return (
            `${s.stack} is no longer in the app, but its state (${s.location}) still holds ${s.resources} resources, its assignments among them: ` +
            `put "${name}" back in identityCenter.accessStacks['${instance}'] in config.ts, deploy (a declared stack without entries destroys what it holds), then remove it.`
          );
        })
        .join('\n'),
    );
    this.name = 'RetiredStackError';
  }
}

/** The access stacks' local state files in `dir` (terraform.<stack>.tfstate, app-model/state.ts). */
export function localAccessStates(dir: string): StoredState[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((file) => {
    const stack = stackOfLocalStateFile(file);
    if (!stack || !isAccessStackName(stack)) return [];
    const location = join(dir, file);
    return [{ stack, location, ...stateContents(readFileSync(location, 'utf8')) }];
  });
}

/** An assignment resource the app puts in one access stack while another's state holds it. */
export interface MovedAssignment {
  readonly assignment: string;
  readonly from: StoredState;
  readonly to: string;
}

/**
 * Entries moved between access stacks in one deploy. The resource keeps its name in its new stack, but cdktf applies
 * the stacks one after another: when the new stack comes first, the aws provider's create finds the assignment there
 * and stops ("already exists"); when the old one comes first, it deletes the assignment and the principal has no access
 * until the new stack's apply (terraform-provider-aws internal/service/ssoadmin/account_assignment.go).
 * docs/access-stacks.md, "Moving an entry to another stack", gives the two safe ways.
 */
export function movedAssignments(app: readonly AppAccessStack[], stored: readonly StoredState[]): MovedAssignment[] {
  // Each partition's stacks use the same resource names: only stacks of one instance are compared.
  const instanceOf = (stack: string) => ACCESS_STACK_NAME.exec(stack)?.[1];
  return app.flatMap(({ stack: to, assignments }) =>
    stored
      .filter((s) => s.stack !== to && instanceOf(s.stack) === instanceOf(to))
      .flatMap((from) => assignments.filter((a) => from.assignments.includes(a)).map((assignment) => ({ assignment, from, to }))),
  );
}

export class MovedAssignmentError extends Error {
  constructor(readonly moved: MovedAssignment[]) {
    super(
      moved
        .map(
          ({ assignment, from, to }) =>
            `${assignment} moves from ${from.stack} (its state, ${from.location}, holds it) to ${to} in one deploy: the new stack would fail with "already exists", or the old one would delete the access before the new one grants it again. ` +
            'Move it in two deploys, or move its state by hand (docs/access-stacks.md, "Moving an entry to another stack").',
        )
        .join('\n'),
    );
    this.name = 'MovedAssignmentError';
  }
}

/** Refuses an app that would leave a deployed access stack behind, or move an assignment between stacks in one deploy. */
export function refuseUnsafeAccessChanges(app: readonly AppAccessStack[], appStacks: readonly string[], stored: readonly StoredState[]): void {
  const retired = retiredAccessStates(appStacks, stored);
  if (retired.length) throw new RetiredStackError(retired);
  const moved = movedAssignments(app, stored);
  if (moved.length) throw new MovedAssignmentError(moved);
}
