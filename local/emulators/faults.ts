/**
 * Faults an emulator injects on chosen requests, and a ledger of what happened to each one: was
 * the same request sent again (a retry), and did it finally get an answer (recovered). The ledger
 * reads only the traffic, never the caller's code, so it judges the caller's retry from outside.
 */
import { createHash } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';

/** What a fault rule sees of a request. */
export interface FaultRequest {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The service's own name of the operation (an x-amz-target's operation, a Graph route). */
  readonly operation: string;
}

/** How a fault answers: a status with headers and a body, or no answer at all (a hung connection). */
export type FaultAnswer = { readonly status: number; readonly headers?: Record<string, string>; readonly body: unknown } | 'hang';

export interface FaultRule {
  /** The fault's name in the report, e.g. "console API ThrottlingException". */
  readonly kind: string;
  /** How many requests it answers before it is spent. */
  count: number;
  readonly matches: (request: FaultRequest) => boolean;
  readonly answer: FaultAnswer;
}

export interface FaultOutcome {
  readonly kind: string;
  readonly injected: number;
  /** Faults after which the same request came again. */
  readonly retried: number;
  /** Faults whose request later got a success. */
  readonly recovered: number;
}

interface Served {
  readonly kind: string;
  readonly key: string;
  retried: boolean;
  recovered: boolean;
}

/** A request is "the same" when method, URL and body are: what a retry sends again. */
export function requestKey(request: Pick<FaultRequest, 'method' | 'url' | 'body' | 'operation'>): string {
  return `${request.method} ${request.url} ${request.operation} ${createHash('sha1').update(request.body).digest('hex')}`;
}

export class FaultLedger {
  private readonly rules: FaultRule[] = [];
  private readonly served: Served[] = [];
  /** Ids of objects that requests created, with the request: for faults that follow a create. */
  private readonly creates = new Map<string, FaultRequest>();

  arm(rule: FaultRule): void {
    this.rules.push(rule);
  }

  /** Notes a request; returns the fault to answer it with, if a rule wants this one. */
  intercept(request: FaultRequest): FaultAnswer | undefined {
    const key = requestKey(request);
    this.served.filter((s) => s.key === key).forEach((s) => (s.retried = true));
    const rule = this.rules.find((r) => r.count > 0 && r.matches(request));
    if (!rule) return undefined;
    rule.count--;
    this.served.push({ kind: rule.kind, key, retried: false, recovered: false });
    return rule.answer;
  }

  /** Records the status a request finally got; a success recovers every earlier fault on it. */
  answered(request: FaultRequest, status: number): void {
    if (status >= 400) return;
    const key = requestKey(request);
    this.served.filter((s) => s.key === key).forEach((s) => (s.recovered = true));
  }

  created(request: FaultRequest, id: string | undefined): void {
    if (id) this.creates.set(id, request);
  }

  /** The ids that requests the predicate picks have created. */
  idsCreatedBy(by: (request: FaultRequest) => boolean): string[] {
    return [...this.creates].filter(([, request]) => by(request)).map(([id]) => id);
  }

  /** Rules still waiting for a request to answer. */
  pending(): number {
    return this.rules.reduce((sum, r) => sum + r.count, 0);
  }

  outcomes(): FaultOutcome[] {
    const kinds = [...new Set(this.rules.map((r) => r.kind))];
    return kinds.map((kind) => {
      const of = this.served.filter((s) => s.kind === kind);
      return { kind, injected: of.length, retried: of.filter((s) => s.retried).length, recovered: of.filter((s) => s.recovered).length };
    });
  }
}
