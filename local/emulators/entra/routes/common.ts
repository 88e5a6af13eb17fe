/**
 * What every route file of the Graph emulator shares: Graph's error answer, the filters the product
 * and the azuread provider send, and the registration context each file registers its routes on.
 */
import { Application, credentialsOf, Directory, Group, ServicePrincipal } from '../directory';
import { Caller, PrivilegedAccess } from '../pim';
import { Job, Synchronization } from '../synchronization';

/** An error Graph answers: its HTTP status, `error.code` and `error.message`, and any headers (Retry-After). */
export class GraphFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The object, or the 404 Graph answers for an id that names none. */
export const existing = <T>(object: T | undefined, id: string): T => {
  if (object === undefined) throw notFound(id);
  return object;
};

export const notFound = (what: string) => new GraphFault(404, 'Request_ResourceNotFound', `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`);
export const badRequest = (message: string) => new GraphFault(400, 'Request_BadRequest', message);

/** `caller` is the signed-in user of a delegated (user) token; undefined for the emulator's app token. */
export type Handler = (params: string[], body: any, url: URL, caller?: Caller) => unknown | Promise<unknown>;

/** `$filter=a eq 'x' and b eq 'y'`: each property's value (the form the provider's PIM reads use). */
export function filterClauses(url: URL): Record<string, string> {
  const clauses = (url.searchParams.get('$filter') ?? '').split(' and ').map((clause) => /^(\w+) eq '(.*)'$/.exec(clause.trim())).filter((m): m is RegExpExecArray => Boolean(m));
  return Object.fromEntries(clauses.map(([, property, value]) => [property, value.replace(/''/g, "'")]));
}

/** The items whose properties equal every clause of the request's filter. */
export const filtered = <T extends object>(items: T[], url: URL) => items.filter((item) => Object.entries(filterClauses(url)).every(([property, value]) => String((item as Record<string, unknown>)[property]) === value));

/** `$filter=name eq 'value'`: the one filter form the product uses. */
export function filterValue(url: URL, property: string): string | undefined {
  const match = new RegExp(`^${property} eq '(.*)'$`).exec(url.searchParams.get('$filter') ?? '');
  return match?.[1].replace(/''/g, "'");
}

export const publicServicePrincipal = (servicePrincipal: ServicePrincipal) => {
  const { signingKeys, claimsMappingPolicyIds, ...sp } = servicePrincipal;
  return { ...sp, ...credentialsOf(servicePrincipal) };
};

/** What a route file registers its routes on, and the lookups that answer Graph's 404 for a missing object. */
export interface RouteContext {
  readonly directory: Directory;
  readonly pim: PrivilegedAccess;
  /** Every initial password a user was created with: what the rehearsal's secret scan looks for. */
  readonly receivedPasswords: string[];
  /** `path` with `{name}` placeholders, each matching one segment, passed to the handler in order. */
  route(method: string, path: string, handler: Handler): void;
  sp(id: string): ServicePrincipal;
  group(id: string): Group;
  syncOf(spId: string): Synchronization;
  jobOf(spId: string, jobId: string): Job;
  /** Stops the provisioning of a deleted service principal. */
  stopSync(spId: string): void;
  refuseSamlDelete(application: Application | undefined): void;
  /** The emulator's own URL (the login host's metadata names it). */
  baseUrl(): string;
}
