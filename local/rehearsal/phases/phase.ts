import { Fault } from '../faults';
import { PhaseTask, RehearsalContext } from '../context';

/**
 * One phase of the rehearsal: what it does (the title the progress view and the time per phase
 * show), when it runs, and its work. A phase reads what earlier phases provided from the context,
 * provides its own there, and reports what it saw as checks; it throws only when the run cannot go on.
 */
export interface Phase {
  readonly title: string | ((ctx: RehearsalContext) => string);
  /** Absent: every rehearsal. `scope: 'full'`: not in the federation scope. `fault`: only when that fault is chosen. */
  readonly only?: { readonly scope?: 'full'; readonly fault?: Fault };
  run(ctx: RehearsalContext, task: PhaseTask): Promise<void>;
}

export function runsIn(phase: Phase, ctx: RehearsalContext): boolean {
  return (phase.only?.scope !== 'full' || ctx.full) && (phase.only?.fault === undefined || ctx.faults.has(phase.only.fault));
}

export function titleOf(phase: Phase, ctx: RehearsalContext): string {
  return typeof phase.title === 'string' ? phase.title : phase.title(ctx);
}
