/**
 * How `npm run elevate` and `npm run revoke` sign the user in: through the azure-id stack's JIT app
 * registration (constructs/entra-jit-client.ts), never `az login`, whose first-party client cannot
 * carry the PIM scope (Azure/azure-cli issues 30149 and 33778: AADSTS65002).
 */
import { DeviceCodeCredential, InteractiveBrowserCredential, TokenCredential } from '@azure/identity';
import { EntraEndpoints, GraphApi } from '../clients/graph';

/** The app registration's display name in Entra, for Terraform and for the messages that name it. */
export const JIT_APP_NAME = 'AWS IAM Identity Center JIT (npm run elevate)';

/**
 * The delegated Graph scopes the commands need, each the least its call's Graph permission page
 * allows: GET /me User.Read; assignmentScheduleRequests (selfActivate, selfDeactivate)
 * PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup; list synchronization jobs, get the schema and
 * provisionOnDemand Synchronization.ReadWrite.All (the only delegated scope provisionOnDemand takes,
 * and it covers the two reads).
 */
export const JIT_SCOPES = ['User.Read', 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup', 'Synchronization.ReadWrite.All'] as const;

/** The scopes as a token request names them: the resource (the cloud's Graph host, or the emulator's) and the permission. */
export const jitScopes = (endpoints: EntraEndpoints) => JIT_SCOPES.map((scope) => `${endpoints.graph}/${scope}`);

/** A Graph client that asks the credential for exactly the JIT scopes. */
export function jitGraph(endpoints: EntraEndpoints, credential: TokenCredential): GraphApi {
  return new GraphApi(endpoints, credential, undefined, jitScopes(endpoints));
}

export interface JitApp {
  readonly tenantId: string;
  readonly clientId: string;
}

/**
 * The user's sign-in through the JIT app: the device code flow (works over SSH; the code and URL are
 * printed), or with `browser` the system browser and a redirect to http://localhost.
 */
export function jitCredential(app: JitApp, endpoints: EntraEndpoints, options: { browser?: boolean; print: (line: string) => void }): TokenCredential {
  const common = { tenantId: app.tenantId, clientId: app.clientId, authorityHost: endpoints.login };
  if (options.browser) return new InteractiveBrowserCredential({ ...common, redirectUri: 'http://localhost' });
  return new DeviceCodeCredential({ ...common, userPromptCallback: (info) => options.print(info.message) });
}
