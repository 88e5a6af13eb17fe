import { RequestCount } from '../emulators/aws/gateway';
import { FaultOutcome } from '../emulators/faults';
import { Retrier } from './faults';

export interface Check {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** What the rehearsal saw, kept as it goes and printed at the end. */
export class Report {
  readonly checks: Check[] = [];
  readonly phases: [string, number][] = [];
  readonly resources: Record<string, { created: number; destroyed: number; note?: string }> = {};
  readonly notes: string[] = [];
  /** Per injected fault kind: how many, how many retried and recovered, and by whom. */
  readonly faults: (FaultOutcome & { retrier: Retrier })[] = [];
  calls: RequestCount[] = [];
  /** What `npm run status` printed after the deploy. */
  status: string[] = [];

  check(what: string, ok: boolean, detail = ''): void {
    this.checks.push({ what, ok, detail });
  }

  get ok(): boolean {
    return this.checks.length > 0 && this.checks.every((c) => c.ok);
  }

  lines(): string[] {
    const byService = new Map<string, { calls: number; writes: number }>();
    for (const c of this.calls) {
      const total = byService.get(c.service) ?? { calls: 0, writes: 0 };
      byService.set(c.service, { calls: total.calls + c.count, writes: total.writes + (c.write ? c.count : 0) });
    }
    return [
      '',
      `Rehearsal report: ${this.ok ? 'every check holds' : 'SOME CHECKS FAILED'}`,
      '',
      'Checks',
      ...this.checks.map((c) => `  ${c.ok ? '✔' : '✖'} ${c.what}${c.detail ? ` — ${c.detail}` : ''}`),
      ...(this.status.length ? ['', 'Status after deploy (npm run status)', ...this.status.map((l) => `  ${l}`)] : []),
      '',
      'Resources per stack',
      ...Object.entries(this.resources).map(([stack, r], _i, all) => `  ${stack.padEnd(Math.max(...all.map(([name]) => name.length)))} created ${String(r.created).padStart(2)}, destroyed ${String(r.destroyed).padStart(2)}${r.note ? `  (${r.note})` : ''}`),
      ...(this.faults.length
        ? [
            '',
            'Faults injected (retried and recovered: counted by the emulators from the traffic)',
            ...this.faults.map((f) => `  ${f.kind.padEnd(40)} ${f.injected} injected, ${f.retried} retried, ${f.recovered} recovered — retried by ${f.retrier === 'product' ? 'the product' : "Entra's sync engine"}`),
          ]
        : []),
      '',
      'API calls per service (all phases)',
      ...[...byService].sort(([a], [b]) => a.localeCompare(b)).map(([service, t]) => `  ${service.padEnd(28)} ${String(t.calls).padStart(4)} calls, ${String(t.writes).padStart(3)} writes`),
      '',
      'Time per phase',
      ...this.phases.map(([phase, seconds]) => `  ${phase.padEnd(40)} ${seconds.toFixed(1).padStart(6)} s`),
      `  ${'total'.padEnd(40)} ${this.phases.reduce((sum, [, s]) => sum + s, 0).toFixed(1).padStart(6)} s`,
      ...(this.notes.length ? ['', ...this.notes] : []),
    ];
  }
}
