import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { FaultLedger } from '../faults';
import { Call, checkProtocol, Forwarded, JsonService } from './json-service';
import { AwsError, isWriteOperation, readBody, sendAwsError, sendJson, signingScope } from './protocol';
import { SamlAcs } from './saml-acs';
import { ScimError, ScimServer } from './scim';

export interface RequestCount {
  readonly service: string;
  readonly operation: string;
  readonly count: number;
  readonly write: boolean;
  /** The access key that signed the calls ("" when unsigned, e.g. SCIM with a bearer token). */
  readonly caller: string;
}

/** Counts every request by service and operation, so tests can assert how many writes a run made. */
export class RequestLog {
  private readonly counts = new Map<string, RequestCount>();

  record(service: string, operation: string, write: boolean, caller = ''): void {
    const key = `${service} ${operation} ${caller}`;
    const current = this.counts.get(key);
    this.counts.set(key, { service, operation, write, caller, count: (current?.count ?? 0) + 1 });
  }

  all(): RequestCount[] {
    return [...this.counts.values()].sort((a, b) => `${a.service} ${a.operation}`.localeCompare(`${b.service} ${b.operation}`));
  }

  writes(): RequestCount[] {
    return this.all().filter((c) => c.write);
  }

  reset(): void {
    this.counts.clear();
  }

  /** The counts now, to compare with later. */
  mark(): Map<string, number> {
    return new Map([...this.counts].map(([key, c]) => [key, c.count]));
  }

  /** Every call made since `mark` was taken. */
  since(mark: Map<string, number>): RequestCount[] {
    return [...this.counts].filter(([key, c]) => c.count > (mark.get(key) ?? 0)).map(([key, c]) => ({ ...c, count: c.count - (mark.get(key) ?? 0) }));
  }

  /** Write calls made since `mark` was taken. */
  writesSince(mark: Map<string, number>): RequestCount[] {
    return this.since(mark).filter((c) => c.write);
  }
}

const SCIM_PATH = /^\/([^/]+)\/scim\/v2\/(.+)$/;
// The same path as the instance's real ACS URL, so a SAML response is posted where it says.
const ACS_PATH = /^\/platform\/saml\/acs\/([\w-]+)$/;

/**
 * The front door of the AWS emulator: answers what moto lacks (the JsonServices given and SCIM)
 * and forwards everything else to moto untouched.
 */
export class Gateway {
  readonly log = new RequestLog();
  /** Faults aimed at chosen callers' requests (the product's, the Entra sync engine's), and what came after. */
  readonly faults = new FaultLedger();
  private readonly server: Server;

  constructor(
    private readonly motoEndpoint: string,
    private readonly services: JsonService[],
    private readonly scim: ScimServer,
    private readonly acs: SamlAcs,
  ) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error) => sendJson(res, 500, { __type: 'InternalFailure', message: String(error?.message ?? error) }));
    });
  }

  async listen(port = 0): Promise<string> {
    // A port in use is an 'error' event, not a listen callback: reject so the caller can say which port.
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.answeredWithFault(req, res, body)) return;
    const url = new URL(req.url ?? '/', 'http://gateway');
    const scim = SCIM_PATH.exec(url.pathname);
    if (scim) return this.routeScim(req, res, scim[1], scim[2], url.searchParams, body);
    const acs = ACS_PATH.exec(url.pathname);
    if (acs && req.method === 'POST') {
      this.log.record('signin', 'SAML ACS', false);
      const answer = await this.acs.signIn(acs[1], new URLSearchParams(body.toString('utf8')).get('SAMLResponse') ?? '');
      return sendJson(res, answer.status, answer.body, 'application/json');
    }

    const target = req.headers['x-amz-target'];
    const [prefix, operation] = typeof target === 'string' ? target.split('.') : [];
    const service = this.services.find((s) => s.targetPrefix === prefix);
    if (!service) {
      this.log.record(...describeForwarded(req, url, body));
      return pipe(res, await this.forward(req, body));
    }
    this.log.record(service.name, operation, isWriteOperation(operation), signingScope(req.headers.authorization)?.accessKeyId);
    const contentType = `application/x-amz-json-${service.jsonVersion}`;
    try {
      const scope = signingScope(req.headers.authorization);
      checkProtocol(service, operation, req.headers['content-type'], scope);
      const call: Call = { operation, body: JSON.parse(body.toString('utf8') || '{}'), scope: scope!, forward: (changed?: unknown) => this.forward(req, changed === undefined ? body : Buffer.from(JSON.stringify(changed))) };
      service.admit?.(call);
      const handler = service.operations[operation];
      const answer = handler ? await handler(call) : await call.forward();
      if (answer instanceof Forwarded) pipe(res, answer);
      else sendJson(res, 200, answer, contentType);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      // Counted apart, so a benchmark can tell how often a limit was met.
      if (error.type === 'ThrottlingException') this.log.record(service.name, `${operation} throttled`, false);
      sendAwsError(res, error, contentType);
    }
  }

  private async routeScim(req: IncomingMessage, res: ServerResponse, tenantId: string, resourcePath: string, query: URLSearchParams, body: Buffer): Promise<void> {
    const method = req.method ?? 'GET';
    this.log.record('scim', `${method} ${resourcePath.split('/')[0]}`, method !== 'GET');
    try {
      const parsed = body.length ? JSON.parse(body.toString('utf8')) : undefined;
      const answer = await this.scim.handle(method, tenantId, resourcePath, query, req.headers.authorization, parsed);
      if (answer.body === undefined) {
        res.writeHead(answer.status);
        res.end();
      } else sendJson(res, answer.status, answer.body, 'application/scim+json');
    } catch (error) {
      const scimError = error instanceof ScimError ? error : error instanceof SyntaxError ? new ScimError(400, 'The body is not JSON', 'invalidSyntax') : undefined;
      if (!scimError) throw error;
      sendJson(res, scimError.status, scimError.toJSON(), 'application/scim+json');
    }
  }

  /**
   * Answers a request a fault rule picks: with the rule's error, or not at all (a hung connection,
   * which its caller must abandon). Any other request's final status goes to the ledger.
   */
  private answeredWithFault(req: IncomingMessage, res: ServerResponse, body: Buffer): boolean {
    const target = req.headers['x-amz-target'];
    const request = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body, operation: typeof target === 'string' ? target : `${req.method} ${req.url}` };
    const planned = this.faults.intercept(request);
    if (planned === 'hang') return true;
    if (planned) {
      Object.entries(planned.headers ?? {}).forEach(([name, value]) => res.setHeader(name, value));
      // The error in the request's own protocol: an AWS JSON version, or SCIM's.
      sendJson(res, planned.status, planned.body, String(req.headers['content-type'] ?? 'application/json'));
      return true;
    }
    res.once('finish', () => this.faults.answered(request, res.statusCode));
    return false;
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<Forwarded> {
    const target = new URL(req.url ?? '/', this.motoEndpoint);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host, 'content-length': String(body.length) } }, (answer) => {
        readBody(answer).then((data) => resolve(new Forwarded(answer.statusCode ?? 500, flatHeaders(answer.headers), data)), reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

function pipe(res: ServerResponse, answer: Forwarded): void {
  const { 'transfer-encoding': _chunked, 'content-length': _length, ...headers } = answer.headers;
  res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
  res.end(answer.body);
}

function flatHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
}

/** Service and operation of a request that moto answers: JSON (X-Amz-Target), query protocol (STS) or REST. */
function describeForwarded(req: IncomingMessage, url: URL, body: Buffer): [string, string, boolean, string | undefined] {
  const scope = signingScope(req.headers.authorization);
  const target = req.headers['x-amz-target'];
  const action = (typeof target === 'string' ? target.split('.')[1] : undefined) ?? new URLSearchParams(body.toString('utf8')).get('Action') ?? url.searchParams.get('Action');
  const operation = action ?? `${req.method} ${url.pathname}`;
  return [scope?.service ?? 'unknown', operation, action ? isWriteOperation(action) : req.method !== 'GET', scope?.accessKeyId];
}
