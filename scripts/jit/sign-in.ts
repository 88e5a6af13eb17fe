/**
 * How `npm run elevate` and `npm run revoke` sign the user in: through the azure-id stack's JIT app
 * registration (constructs/entra-jit-client.ts), never `az login`, whose first-party client cannot
 * carry the PIM scope (Azure/azure-cli issues 30149 and 33778: AADSTS65002).
 */
import { DeviceCodeCredential, InteractiveBrowserCredential, TokenCredential } from '@azure/identity';
import { EntraEndpoints, GraphApi } from '../clients/graph';
import { JIT_APP_NAME, JIT_SCOPES } from '../../app-model/jit';

// The app's name and scopes are shared with the azure-id stack that creates it (app-model/jit.ts).
export { JIT_APP_NAME, JIT_SCOPES };

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
