import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { RequestLog } from '../aws/gateway';
import { readBody } from '../aws/protocol';
import { FaultLedger, FaultRequest } from '../faults';
import { Application, Directory, Group, MICROSOFT_GRAPH_APP_ID, ServicePrincipal, User } from './directory';
import { Caller, PimRefusal, PrivilegedAccess } from './pim';
import { Job, Synchronization } from './synchronization';
import { AZURE_CLI_SCOPES, scopeRefusal, scopeRule } from './scopes';
import { GraphFault, Handler, notFound, RouteContext } from './routes/common';
import { userRoutes, meRoute } from './routes/users';
import { groupRoutes } from './routes/groups';
import { applicationRoutes } from './routes/applications';
import { consentRoutes } from './routes/consent';
import { pimRoutes } from './routes/pim';
import { synchronizationRoutes } from './routes/synchronization';
import { loginRoutes } from './routes/login';

/** A delegated token: its user, the sign-in's MFA, whether the user may provision on demand, its Graph scopes (scp). */
type UserToken = Caller & { canProvision: boolean; scopes: Set<string> };

/** A sign-in: through `clientId` (an app registration of the tenant) or, without one, `az login`; `scopes` asked, all consented ones by default. */
export interface SignInOptions {
  readonly mfa?: boolean;
  readonly canProvision?: boolean;
  readonly clientId?: string;
  readonly scopes?: readonly string[];
}

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly name: string;
  readonly handler: Handler;
}

/**
 * Microsoft Graph (v1.0) and the login host of one Entra tenant, for exactly the calls the product
 * makes. Requests need the emulator's bearer token; each is counted like the AWS gateway's.
 */
export class EntraServer {
  readonly log = new RequestLog();
  readonly accessToken = randomBytes(24).toString('hex');
  readonly sync = new Map<string, Synchronization>();
  private readonly server: Server;
  private readonly routes: Route[] = [];
  /** Faults aimed at chosen callers' requests (the product's), and what each caller did after one. */
  readonly faultLedger = new FaultLedger();
  /** Every initial password a user was created with: what the rehearsal's secret scan looks for. */
  readonly receivedPasswords: string[] = [];
  /** Delegated tokens of signed-in users: who, whether the sign-in used MFA, whether the user may provision on demand. */
  private readonly userTokens = new Map<string, UserToken>();
  readonly pim: PrivilegedAccess;
  private base = '';

  constructor(
    readonly directory: Directory,
    private readonly cycleMs: number,
  ) {
    this.pim = new PrivilegedAccess(directory);
    this.defineRoutes();
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  /**
   * A user's delegated token, as `az login` would give that user: `mfa` says whether the sign-in used
   * MFA (the amr claim), `canProvision` whether the user holds a role that may provision on demand.
   */
  userToken(userPrincipalName: string, options: SignInOptions = {}): string {
    const user = [...this.directory.users.values()].find((u) => u.userPrincipalName === userPrincipalName);
    if (!user) throw new Error(`no user ${userPrincipalName} in the emulated tenant`);
    const token = randomBytes(24).toString('hex');
    this.userTokens.set(token, { userId: user.id, mfa: options.mfa ?? true, canProvision: options.canProvision ?? true, scopes: new Set(this.consentedScopes(user, options)) });
    return token;
  }

  /** The Graph scopes a delegated token carries (its scp claim). */
  tokenScopes(token: string): string[] {
    const user = this.userTokens.get(token);
    if (!user) throw new Error('not a delegated token of this emulator');
    return [...user.scopes];
  }

  /**
   * The scopes of a sign-in through a client: every scope consented to that client on Microsoft Graph
   * for the user (an admin consent for all users, or the user's own), as Entra issues them; a requested
   * scope not consented stops the sign-in (AADSTS65001, Microsoft identity platform error codes).
   * Without a client it is `az login`, whose first-party client cannot be given a PIM scope (AADSTS65002,
   * azure-cli issue 30149).
   */
  private consentedScopes(user: User, options: SignInOptions): string[] {
    const d = this.directory;
    if (!options.clientId) {
      const refused = (options.scopes ?? []).filter((s) => !AZURE_CLI_SCOPES.includes(s));
      if (refused.length) throw new Error(`AADSTS65002: Consent between first party application '04b07795-8ddb-461a-bbee-02f9e1bf7b46' and first party resource '${MICROSOFT_GRAPH_APP_ID}' must be configured via preauthorization (${refused.join(', ')})`);
      return [...(options.scopes ?? AZURE_CLI_SCOPES)];
    }
    const sp = d.servicePrincipalOfApp(options.clientId);
    if (!sp) throw new Error(`AADSTS700016: Application with identifier '${options.clientId}' was not found in the directory '${d.tenantId}'.`);
    const granted = d.grantedScopes(sp.id, user.id);
    const missing = (options.scopes ?? []).filter((s) => !granted.includes(s));
    if (missing.length) throw new Error(`AADSTS65001: The user or administrator has not consented to use the application with ID '${options.clientId}' named '${sp.displayName}' (${missing.join(', ')}). Send an interactive authorization request for this user and resource.`);
    return granted;
  }

  close(): Promise<void> {
    this.pim.stop();
    this.sync.forEach((s) => s.stop());
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private syncOf(spId: string): Synchronization {
    if (!this.directory.servicePrincipals.has(spId)) throw notFound(spId);
    if (!this.sync.has(spId)) this.sync.set(spId, new Synchronization(this.directory, spId, this.cycleMs));
    return this.sync.get(spId)!;
  }

  private jobOf(spId: string, jobId: string): Job {
    const job = this.syncOf(spId).jobs.find((j) => j.id === jobId);
    if (!job) throw notFound(jobId);
    return job;
  }

  private sp(id: string): ServicePrincipal {
    const sp = this.directory.servicePrincipal(id);
    if (!sp) throw notFound(id);
    return sp;
  }

  private route(method: string, path: string, handler: Handler): void {
    const pattern = new RegExp(`^${path.replace(/\{\w+\}/g, '([^/]+)').replace(/\$/g, '\\$')}$`);
    this.routes.push({ method, pattern, name: path, handler });
  }

  /**
   * The routes, one file per resource under routes/, each registering on this server. A request takes
   * the first route whose method and path match; no two routes match the same request.
   */
  private defineRoutes(): void {
    const v = '/v1.0';
    const ctx: RouteContext = {
      directory: this.directory,
      pim: this.pim,
      receivedPasswords: this.receivedPasswords,
      route: (method, path, handler) => this.route(method, path, handler),
      sp: (id) => this.sp(id),
      group: (id) => this.group(id),
      syncOf: (spId) => this.syncOf(spId),
      jobOf: (spId, jobId) => this.jobOf(spId, jobId),
      stopSync: (spId) => this.sync.get(spId)?.stop(),
      refuseSamlDelete: (application) => this.refuseSamlDelete(application),
      baseUrl: () => this.base,
    };
    userRoutes(ctx, v);
    applicationRoutes(ctx, v);
    consentRoutes(ctx, v);
    // The azuread provider manages groups through Graph beta (internal/services/groups/client/client.go: GroupClientBeta).
    for (const version of [v, '/beta']) groupRoutes(ctx, version);
    pimRoutes(ctx, v);
    meRoute(ctx, v);
    synchronizationRoutes(ctx, v);
    loginRoutes(ctx);
  }

  private group(id: string): Group {
    const group = this.directory.groups.get(id);
    if (!group) throw notFound(id);
    return group;
  }

  private refuseSamlDelete(application: Application | undefined): void {
    const refusal = this.directory.deleteRefusal(application);
    if (refusal) throw new GraphFault(400, 'DeletingSamlSpNotAllowed', refusal);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://entra');
    const method = req.method ?? 'GET';
    const route = this.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'application/xml' : 'application/json', ...headers });
      res.end(text);
    };
    let request: FaultRequest | undefined;
    let user: UserToken | undefined;
    try {
      const raw = await readBody(req);
      if (!route) throw new GraphFault(400, 'BadRequest', `Resource not found for the segment '${url.pathname}'.`);
      this.log.record('graph', `${method} ${route.name}`, method !== 'GET');
      if (url.pathname.startsWith('/v1.0/') || url.pathname.startsWith('/beta/')) {
        const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
        user = this.userTokens.get(bearer);
        if (bearer !== this.accessToken && !user) throw new GraphFault(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
        // Every call a delegated token makes needs one of its scopes (scopes.ts, with the Graph permission pages).
        const rule = user && scopeRule(`${method} ${route.name}`);
        if (rule && !rule.anyOf.some((scope) => user!.scopes.has(scope))) {
          const refusal = scopeRefusal(rule);
          throw new GraphFault(refusal.status, refusal.code, refusal.message);
        }
        // Provisioning needs an administrator role (Graph synchronizationJob: provisionOnDemand, permissions; unverified which roles exactly).
        if (user && !user.canProvision && url.pathname.includes('/synchronization/')) throw new GraphFault(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
        request = { method, url: req.url ?? '/', headers: req.headers, body: raw, operation: `${method} ${route.name}` };
        const planned = this.faultLedger.intercept(request);
        if (planned === 'hang') return; // no answer: the caller must give up on this connection
        if (planned) return send(planned.status, planned.body, planned.headers);
        res.once('finish', () => this.faultLedger.answered(request!, res.statusCode));
      }
      const answer = await route.handler(route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent), raw.length ? JSON.parse(raw.toString('utf8')) : {}, url, user);
      if (request && Array.isArray(answer) && answer[0] === 201) this.faultLedger.created(request, (answer[1] as { id?: string })?.id);
      if (Array.isArray(answer) && answer[0] === 'xml') return send(200, answer[1]);
      if (Array.isArray(answer)) return send(answer[0], answer[1]);
      send(200, answer);
    } catch (error) {
      const refused = error instanceof PimRefusal ? new GraphFault(error.status, error.code, error.message) : error;
      const fault = refused instanceof GraphFault ? refused : new GraphFault(500, 'InternalServerError', String((refused as Error)?.message ?? refused));
      send(fault.status, { error: { code: fault.code, message: fault.message } }, fault.headers);
    }
  }
}
