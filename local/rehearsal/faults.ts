/**
 * The faults a rehearsal can switch on, each aimed at calls the product makes (or, for SCIM, that
 * Entra's sync engine makes on the product's behalf), never at the stand-in deployer or Terraform.
 * The product names itself in its user agent (scripts/clients/product-agent.ts); that is how the
 * emulators pick its requests out.
 */
import { FaultAnswer, FaultLedger, FaultRequest, FaultRule } from '../emulators/faults';
import { PRODUCT_AGENT } from '../../scripts/clients/product-agent';

export const FAULTS = [
  'throttle',
  'server-error',
  'not-found-after-create',
  'graph-hang',
  'console-throttle',
  'console-server-error',
  'console-hang',
  'identity-store-throttle',
  'identity-store-hang',
  'scim-throttle',
  'token-revoked',
  'interrupted',
] as const;
export type Fault = (typeof FAULTS)[number];

/** Who is expected to retry a fault: the product's code, or Entra's sync engine (the emulator's). */
export type Retrier = 'product' | 'Entra';

export interface FaultPlan {
  readonly emulator: 'aws' | 'entra';
  readonly retrier: Retrier;
  /** The rule, given the emulator's ledger (a fault after a create needs to know what was created). */
  readonly rule: (ledger: FaultLedger) => FaultRule;
}

const fromProduct = (request: FaultRequest) => String(request.headers['user-agent'] ?? '').includes(PRODUCT_AGENT);
const consoleApi = (request: FaultRequest) => /^(AWSIdentityStoreService|AppsAuthControlPlaneService)\./.test(request.operation);
// The identity store's public API (the SDK's target prefix); the console API's is AWSIdentityStoreService.
const identityStore = (request: FaultRequest) => request.operation.startsWith('AWSIdentityStore.');

const graphError = (status: number, code: string, headers?: Record<string, string>): FaultAnswer => ({ status, headers, body: { error: { code, message: `${code} (injected by the rehearsal)` } } });
// AWS JSON protocol errors: __type and message (the smithy awsJson1_x error shape).
const awsError = (status: number, type: string): FaultAnswer => ({ status, body: { __type: type, message: `${type} (injected by the rehearsal)` } });

const rule = (kind: string, count: number, matches: (request: FaultRequest) => boolean, answer: FaultAnswer) => () => ({ kind, count, matches, answer });

export const FAULT_PLANS: Partial<Record<Fault, FaultPlan>> = {
  throttle: { emulator: 'entra', retrier: 'product', rule: rule('Graph 429 with Retry-After', 2, fromProduct, graphError(429, 'TooManyRequests', { 'Retry-After': '1' })) },
  'server-error': { emulator: 'entra', retrier: 'product', rule: rule('Graph 503', 2, fromProduct, graphError(503, 'ServiceUnavailable')) },
  'not-found-after-create': {
    emulator: 'entra',
    retrier: 'product',
    // Replication lag: the object the product has just created is not yet readable where its next call lands.
    rule: (ledger) => ({
      kind: 'Graph 404 right after a create',
      count: 2,
      matches: (request) => fromProduct(request) && ledger.idsCreatedBy(fromProduct).some((id) => request.url.includes(id)),
      answer: graphError(404, 'Request_ResourceNotFound'),
    }),
  },
  'graph-hang': { emulator: 'entra', retrier: 'product', rule: rule('Graph call hung (no answer)', 1, fromProduct, 'hang') },
  'console-throttle': { emulator: 'aws', retrier: 'product', rule: rule('console API ThrottlingException', 2, (r) => fromProduct(r) && consoleApi(r), awsError(400, 'ThrottlingException')) },
  'console-server-error': { emulator: 'aws', retrier: 'product', rule: rule('console API 500', 2, (r) => fromProduct(r) && consoleApi(r), awsError(500, 'InternalServerException')) },
  'console-hang': { emulator: 'aws', retrier: 'product', rule: rule('console API call hung (no answer)', 1, (r) => fromProduct(r) && consoleApi(r), 'hang') },
  'identity-store-throttle': { emulator: 'aws', retrier: 'product', rule: rule('identity store ThrottlingException', 2, (r) => fromProduct(r) && identityStore(r), awsError(400, 'ThrottlingException')) },
  'identity-store-hang': { emulator: 'aws', retrier: 'product', rule: rule('identity store call hung (no answer)', 1, (r) => fromProduct(r) && identityStore(r), 'hang') },
  'scim-throttle': {
    emulator: 'aws',
    retrier: 'Entra',
    // AWS SCIM developer guide: 429 ThrottlingException; the body is SCIM's error schema (RFC 7644 §3.12).
    rule: rule('SCIM 429 with Retry-After', 2, (r) => r.url.includes('/scim/v2/'), {
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: 'ThrottlingException (injected by the rehearsal)' },
    }),
  },
};
