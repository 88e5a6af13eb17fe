import { AwsError, SigningScope } from './protocol';

/** What moto answered to a forwarded request. */
export class Forwarded {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: Buffer,
  ) {}

  get ok(): boolean {
    return this.status < 300;
  }

  json(): any {
    return JSON.parse(this.body.toString('utf8') || '{}');
  }
}

export interface Call {
  readonly operation: string;
  readonly body: any;
  readonly scope: SigningScope;
  /** Sends the request on to moto, unchanged or with the body given (moto checks no signature). */
  readonly forward: (body?: unknown) => Promise<Forwarded>;
}

/** A handler returns the response body, a Forwarded answer to pass through, or throws an AwsError. */
export type Handler = (call: Call) => unknown | Promise<unknown>;

/**
 * One AWS JSON-protocol service the gateway knows by its X-Amz-Target prefix. Operations it lists
 * are handled here; the rest go to moto, unless the service is console-only (moto has none of it).
 */
export interface JsonService {
  readonly name: string;
  readonly targetPrefix: string;
  readonly signingName: string;
  readonly jsonVersion: '1.0' | '1.1';
  readonly consoleOnly: boolean;
  readonly operations: Record<string, Handler>;
  /** Runs before every call of the service, handled here or forwarded (a rate limit throws here). */
  readonly admit?: (call: Call) => void;
}

/** The checks the real service makes before it looks at an operation (the service models the console ships (Frichetten/aws-api-models, identitystoreinternal-2019-11-01 and appsauth-control-2018-10-25)). */
export function checkProtocol(service: JsonService, operation: string, contentType: string | undefined, scope: SigningScope | undefined): void {
  if (!scope) throw new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (scope.service !== service.signingName) {
    throw new AwsError(403, 'InvalidSignatureException', `Credential should be scoped to correct service: '${service.signingName}'.`);
  }
  if (!service.consoleOnly) return;
  if (contentType !== `application/x-amz-json-${service.jsonVersion}`) {
    throw new AwsError(400, 'SerializationException', `Expected Content-Type application/x-amz-json-${service.jsonVersion}`);
  }
  if (!service.operations[operation]) throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${service.targetPrefix}.${operation}`);
}
