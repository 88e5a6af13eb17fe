import { Call, Forwarded, Handler } from './json-service';
import { AwsError } from './protocol';
import { TokenBucket } from './token-bucket';

/**
 * IAM Identity Center user guide, "IAM Identity Center quotas" (limits.md), throttle limits: the
 * sso-admin API has a collective limit of 20 transactions per second, and its write operations at
 * most 15 outstanding asynchronous calls (not adjustable). Tests of other rules lift them.
 * The rate is a token bucket (./token-bucket.ts).
 */
export const SSO_ADMIN_LIMITS = { tps: 20, outstanding: 15 };

// sso-admin API reference, CreateAccountAssignment "Errors": ThrottlingException ("the principal has
// crossed the throttling limits of the API operations"), HTTP 400 in the service model.
// unverified: that AWS answers a 16th outstanding call with ThrottlingException rather than
// ServiceQuotaExceededException (the page lists both); the provider retries either way only for throttling.
const throttling = (message: string) => new AwsError(400, 'ThrottlingException', message);

interface AsyncRequest {
  readonly kind: 'Creation' | 'Deletion';
  readonly status: Record<string, unknown>;
  readonly settlesAt: number;
}

/**
 * Account assignment creation and deletion as AWS runs them: asynchronous (sso-admin API reference,
 * CreateAccountAssignment: "call DescribeAccountAssignmentCreationStatus to describe the status"),
 * IN_PROGRESS first and SUCCEEDED later, within the quotas above. moto 5.2.1 answers SUCCEEDED at once
 * and has no limit; it keeps the assignments, this class only the requests' progress.
 */
export class AccountAssignmentRequests {
  limits = { ...SSO_ADMIN_LIMITS };
  /**
   * How long a request stays IN_PROGRESS. unverified: AWS documents no duration; a few seconds is what
   * operators report. The aws provider's waiter first polls after 10 s (internal/service/ssoadmin/
   * account_assignment.go, waitAccountAssignmentCreated: Delay 10 s, MinTimeout 5 s, timeout 5 min), so
   * anything under 10 s looks the same to Terraform.
   */
  inProgressMs = 3000;
  private readonly requests = new Map<string, AsyncRequest>();
  private readonly bucket: TokenBucket;

  /** What requests settle and the rate refills by; a test sets it so that timing does not depend on the machine's load. */
  constructor(public clock: () => number = Date.now) {
    this.bucket = new TokenBucket(() => this.clock());
  }

  /** Every sso-admin call takes a token; with none left, ThrottlingException. */
  admit(): void {
    if (!this.bucket.take(this.limits.tps)) throw throttling('Rate exceeded');
  }

  /** Requests still IN_PROGRESS, creations and deletions together (both are asynchronous writes). */
  outstanding(now = this.clock()): number {
    return [...this.requests.values()].filter((r) => r.settlesAt > now).length;
  }

  operations(): Record<string, Handler> {
    return {
      CreateAccountAssignment: (call) => this.start('Creation', call),
      DeleteAccountAssignment: (call) => this.start('Deletion', call),
      DescribeAccountAssignmentCreationStatus: (call) => this.describe('Creation', call.body.AccountAssignmentCreationRequestId, call),
      DescribeAccountAssignmentDeletionStatus: (call) => this.describe('Deletion', call.body.AccountAssignmentDeletionRequestId, call),
    };
  }

  private async start(kind: AsyncRequest['kind'], call: Call): Promise<unknown> {
    if (this.outstanding() >= this.limits.outstanding) {
      throw throttling(`Too many outstanding account assignment requests: at most ${this.limits.outstanding} may be in progress`);
    }
    const answer: Forwarded = await call.forward();
    if (!answer.ok) return answer;
    const key = `AccountAssignment${kind}Status`;
    const status = answer.json()[key];
    const request: AsyncRequest = { kind, status, settlesAt: this.clock() + this.inProgressMs };
    this.requests.set(status.RequestId, request);
    return { [key]: this.statusOf(request) };
  }

  private async describe(kind: AsyncRequest['kind'], requestId: string, call: Call): Promise<unknown> {
    const request = this.requests.get(requestId);
    if (!request || request.kind !== kind) return call.forward();
    return { [`AccountAssignment${kind}Status`]: this.statusOf(request) };
  }

  private statusOf(request: AsyncRequest): Record<string, unknown> {
    return { ...request.status, Status: request.settlesAt > this.clock() ? 'IN_PROGRESS' : 'SUCCEEDED' };
  }
}
