import { randomUUID } from 'node:crypto';
import { Directory } from './directory';
import { EntraServer, SignInOptions } from './server';


/**
 * A local Entra tenant: Microsoft Graph and the login host for the calls the product makes.
 * `graphEndpoint` and `loginEndpoint` are what GRAPH_ENDPOINT and ENTRA_LOGIN_ENDPOINT should be.
 */
export class EntraEmulator {
  private constructor(
    private readonly server: EntraServer,
    readonly endpoint: string,
  ) {}

  /** `minimumActiveMs`: how long PIM keeps an activation before it may be ended (Entra's five minutes by default; local/emulators/entra/pim.ts). */
  static async start(options: { defaultDomain?: string; cycleMs?: number; minimumActiveMs?: number } = {}): Promise<EntraEmulator> {
    const directory = new Directory(randomUUID(), options.defaultDomain ?? 'rehearsal.onmicrosoft.com');
    const server = new EntraServer(directory, options.cycleMs ?? 2000);
    const emulator = new EntraEmulator(server, await server.listen());
    if (options.minimumActiveMs !== undefined) emulator.holdActivationsFor(options.minimumActiveMs);
    return emulator;
  }

  /** How long PIM keeps an activation before it may be ended (local/emulators/entra/pim.ts, minimumActiveMs). */
  holdActivationsFor(ms: number): void {
    this.server.pim.minimumActiveMs = ms;
  }

  get tenantId(): string {
    return this.server.directory.tenantId;
  }

  get accessToken(): string {
    return this.server.accessToken;
  }

  get requests() {
    return this.server.log;
  }

  /** Faults to inject on chosen Graph requests, and what their callers did next. */
  get faults() {
    return this.server.faultLedger;
  }

  /** The secrets this tenant was given (users' initial passwords), for the rehearsal's secret scan. */
  get receivedPasswords(): readonly string[] {
    return this.server.receivedPasswords;
  }

  get jobs() {
    return [...this.server.sync.values()].flatMap((s) => s.jobs);
  }

  /**
   * A signed-in user's delegated token (see EntraServer.userToken); use it as GRAPH_EMULATOR_TOKEN to act
   * as that user. Through `clientId` it carries the scopes consented to that app; without, az login's.
   */
  userToken(userPrincipalName: string, options: SignInOptions = {}): string {
    return this.server.userToken(userPrincipalName, options);
  }

  /** The Graph scopes a delegated token carries. */
  tokenScopes(token: string): string[] {
    return this.server.tokenScopes(token);
  }

  /** Objects that remain in the tenant (users, groups, apps, service principals, policies, assignments, PIM eligibilities). */
  leftovers(): number {
    // PIM eligibilities are objects of the tenant too; policies belong to their group and go with it.
    return this.server.directory.objectCount() + this.server.pim.eligibilities.size;
  }

  /** The environment that sends the federation scripts here instead of the real Graph and login hosts. */
  env(): Record<string, string> {
    return { GRAPH_ENDPOINT: this.endpoint, ENTRA_LOGIN_ENDPOINT: this.endpoint, GRAPH_EMULATOR_TOKEN: this.accessToken };
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}
