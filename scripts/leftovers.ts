/**
 * `npm run federation -- leftovers`: after destroy, what the federation steps made outside
 * Terraform and is still there, read from the real APIs (the rehearsal's "0 objects left"): an
 * external IdP, SCIM provisioning tenants and their tokens, users and groups that SCIM created.
 * Terraform's own objects are not listed: `terraform destroy` reports those. Exit code 1 when
 * anything is left, so a pipeline can fail on it.
 */
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { ConsoleOperations } from './clients/console-operations';
import { explain } from './runner';
import { createdThroughTenants, issuerTenant } from './steps/identity-store-users';

export interface LeftoverCounts {
  readonly externalIdps: number;
  readonly provisioningTenants: number;
  readonly bearerTokens: number;
  readonly scimObjects: number;
}

export interface LeftoverTarget {
  readonly instance: string;
  readonly region: string;
  readonly ssoAdmin: Pick<SSOAdminClient, 'send'>;
  readonly identityStore: IdentitystoreClient;
  readonly console: ConsoleOperations;
}

/** Users and groups any SCIM tenant created (after destroy no tenant of this deployment should remain), and those tenants. */
async function scimObjects(identityStore: IdentitystoreClient, identityStoreId: string) {
  const all = await createdThroughTenants(identityStore, identityStoreId);
  const names = [...all.users.map((u) => `user ${u.UserName}`), ...all.groups.map((g) => `group ${g.DisplayName}`)];
  const tenants = new Set([...all.users, ...all.groups].flatMap((o) => (o.ExternalIds ?? []).map((id) => issuerTenant(id.Issuer))).filter(Boolean));
  return { names, tenants: [...tenants] };
}

/** What one instance still holds, as counts and one line per object. */
export async function instanceLeftovers(target: LeftoverTarget): Promise<{ counts: LeftoverCounts; lines: string[] }> {
  const [instance] = (await target.ssoAdmin.send(new ListInstancesCommand({}))).Instances ?? [];
  if (!instance?.IdentityStoreId) return { counts: { externalIdps: 0, provisioningTenants: 0, bearerTokens: 0, scimObjects: 0 }, lines: [`  no Identity Center instance in ${target.region}`] };
  const storeId = instance.IdentityStoreId;
  const idp = await target.console.getExternalIdp(storeId);
  const tenants = await target.console.listProvisioningTenants(storeId);
  const tokens = (await Promise.all(tenants.map((t) => target.console.listBearerTokens(storeId, t.tenantId)))).flat();
  const scim = await scimObjects(target.identityStore, storeId);
  const lines = [
    ...(idp ? [`  external IdP ${idp.entityId} (${idp.idpId}) is still the identity source`] : []),
    ...tenants.map((t) => `  SCIM provisioning tenant ${t.tenantId} (${t.scimEndpoint})`),
    ...tokens.map((t) => `  SCIM bearer token ${t.tokenId}`),
    ...scim.names.map((name) => `  ${name}, created by SCIM (tenant ${scim.tenants.join(', ')})`),
  ];
  return { counts: { externalIdps: idp ? 1 : 0, provisioningTenants: tenants.length, bearerTokens: tokens.length, scimObjects: scim.names.length }, lines };
}

/** The Entra side: what the azure-id stack creates, found by the names it gives them (app-config/entra-names.ts). */
export interface EntraLeftoverTarget {
  readonly names: { readonly applications: string[]; readonly users: string[]; readonly groups: string[] };
  readonly idsNamed: (kind: 'application' | 'group' | 'user', name: string) => Promise<string[]>;
}

/** One line per Entra object still there: a destroy that stopped half-way (DeletingSamlSpNotAllowed, a lost token) leaves these. */
async function entraLeftovers(target: EntraLeftoverTarget): Promise<string[]> {
  const kinds = [
    ['application', target.names.applications],
    ['group', target.names.groups],
    ['user', target.names.users],
  ] as const;
  const lines: string[] = [];
  for (const [kind, names] of kinds) {
    for (const name of names) for (const id of await target.idsNamed(kind, name)) lines.push(`  ${kind} ${name} (${id})`);
  }
  return lines;
}

/** Each instance's leftovers and Entra's, printed; exit code 1 when anything is left or a side cannot be read. */
export async function reportLeftovers(targets: readonly LeftoverTarget[], print: (line: string) => void, entra?: EntraLeftoverTarget): Promise<number> {
  let clean = true;
  if (entra) {
    try {
      const lines = await entraLeftovers(entra);
      print(`leftovers in Entra: ${lines.length} object(s) left${lines.length ? ' (found by the names the azure-id stack gives them: remove them, or check they predate this deployment)' : ' (clean)'}`);
      lines.forEach(print);
      clean &&= lines.length === 0;
    } catch (error) {
      print(`leftovers in Entra: could not be read: ${explain(error)}`);
      clean = false;
    }
  }
  for (const target of targets) {
    try {
      const { counts, lines } = await instanceLeftovers(target);
      const left = Object.values(counts).reduce((a, b) => a + b, 0);
      print(`leftovers of ${target.instance}: ${left} object(s) left${left ? '' : ' (clean)'}`);
      lines.forEach(print);
      clean &&= left === 0;
    } catch (error) {
      print(`leftovers of ${target.instance}: could not be read: ${explain(error)}`);
      clean = false;
    }
  }
  if (!clean) {
    print('Something is left: in Identity Center, run `npm run federation -- pre-destroy --instance <name>` with the input from the last deploy; in Entra, run `npm run destroy` again; or remove it in the console as printed above.');
  }
  return clean ? 0 : 1;
}
