import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTANCE_NAMES } from '../app-config/schema';

/** A stack's state as found where the state backend keeps it. */
export interface StoredState {
  readonly stack: string;
  /** Where it is, for the message: a file path or an S3 URL. */
  readonly location: string;
  /** Resource instances it holds (data sources are not counted: they hold nothing). */
  readonly resources: number;
}

const ACCESS_STACK_NAME = new RegExp(`^(${INSTANCE_NAMES.join('|')})-access(-[a-z0-9-]+)?$`);

/** Whether a stack name is an access stack's (`<instance>-access` or `<instance>-access-<stack>`). */
export const isAccessStackName = (name: string) => ACCESS_STACK_NAME.test(name);

/** Resource instances a Terraform state (format 4) holds, data sources left out. */
export function managedInstances(stateJson: string): number {
  const state = JSON.parse(stateJson) as { resources?: { mode: string; instances?: unknown[] }[] };
  return (state.resources ?? []).filter((r) => r.mode === 'managed').reduce((sum, r) => sum + (r.instances?.length ?? 0), 0);
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

/** The access stacks' local state files in `dir` (terraform.<stack>.tfstate, constructs/state-backend.ts). */
export function localAccessStates(dir: string): StoredState[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((file) => {
    const stack = /^terraform\.(.+)\.tfstate$/.exec(file)?.[1];
    if (!stack || !isAccessStackName(stack)) return [];
    const location = join(dir, file);
    return [{ stack, location, resources: managedInstances(readFileSync(location, 'utf8')) }];
  });
}

/** Refuses an app that would leave a deployed access stack behind (see retiredAccessStates). */
export function refuseRetiredAccessStacks(appStacks: readonly string[], stored: readonly StoredState[]): void {
  const retired = retiredAccessStates(appStacks, stored);
  if (retired.length) throw new RetiredStackError(retired);
}
