/**
 * Applies and destroys the synthesized azure-id stack through the Entra emulator, resource by
 * resource as the azuread provider would (no azuread binary is available here). Terraform's part
 * for the federation links is kept: their provisioners run exactly as synthesized.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import type { Client } from '@microsoft/microsoft-graph-client';
import { awsClients } from '../scripts/clients/aws';
import type { TokenCredential } from '@azure/identity';
import { graphClient, graphTransience } from '../scripts/clients/graph';
import { retry } from '../scripts/retry';
import { references, resolve, Values } from './expressions';

interface Block {
  readonly address: string;
  readonly type: string;
  readonly config: any;
}

export interface Provisioner {
  readonly command: string;
  readonly working_dir: string;
  readonly environment: Record<string, string>;
  readonly when?: string;
}

/** Runs one federation-link provisioner: the command, its directory, and the input as Terraform renders it. */
export type RunProvisioner = (address: string, provisioner: Provisioner, input: Record<string, unknown>) => Promise<void>;

export interface DeployCounts {
  created: number;
  unchanged: number;
  destroyed: number;
}

const partitionOf = (region: string) => (region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');

export class EntraStackDeployer {
  private readonly blocks: Block[];
  private readonly values: Values = new Map();
  /** Object ids by address; no secret is kept (the initial passwords live only in memory). */
  private state: Record<string, Record<string, unknown>>;

  private readonly graph: Client;
  /** Objects created over every apply, an interrupted one included. */
  createdTotal = 0;

  constructor(
    private readonly stack: any,
    private readonly graphEndpoint: string,
    credential: TokenCredential,
    private readonly stateFile: string,
  ) {
    this.graph = graphClient({ graph: graphEndpoint, login: graphEndpoint }, credential);
    this.blocks = orderByReferences([
      ...Object.entries(stack.data ?? {}).flatMap(([type, byName]: [string, any]) => Object.entries(byName).map(([name, config]) => ({ address: `data.${type}.${name}`, type: `data.${type}`, config }))),
      ...Object.entries(stack.resource ?? {}).flatMap(([type, byName]: [string, any]) => Object.entries(byName).map(([name, config]) => ({ address: `${type}.${name}`, type, config }))),
    ]);
    this.state = existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
  }

  /** The resolved input of each federation link that has been created. */
  linkInputs(): Record<string, any>[] {
    return Object.entries(this.state)
      .filter(([address]) => address.startsWith('terraform_data.'))
      .map(([, known]) => known.input as Record<string, any>);
  }

  private save(): void {
    writeFileSync(this.stateFile, JSON.stringify(this.state, null, 2));
  }

  /**
   * The Graph client with the provider's patience: 429 (Retry-After), 5xx, and the 404 that follows
   * a create are retried within a bounded time (the azuread provider polls after instantiate too).
   */
  private get g() {
    const graph = this.graph;
    const patient = <T>(work: () => Promise<T>) => retry(work, { description: 'Graph answers', timeoutMs: 60_000, classify: graphTransience(true), initialDelayMs: 200 });
    return {
      api: (path: string) => {
        const request = () => graph.api(path);
        return {
          get: () => patient(() => request().get()),
          post: (body: unknown) => patient(() => request().post(body)),
          patch: (body: unknown) => patient(() => request().patch(body)),
          delete: () => patient(() => request().delete()),
          filter: (filter: string) => ({ get: () => patient(() => request().filter(filter).get()) }),
        };
      },
    };
  }

  private awsProvider(alias: string) {
    const provider = (this.stack.provider.aws as any[]).find((p) => p.alias === alias);
    return awsClients({ awsProfile: provider.profile, region: provider.region, partition: partitionOf(provider.region) });
  }

  /** Creates what is missing, changes what differs, and runs each new link's post-apply provisioner. */
  async apply(runProvisioner: RunProvisioner): Promise<DeployCounts> {
    const counts: DeployCounts = { created: 0, unchanged: 0, destroyed: 0 };
    for (const block of this.blocks) {
      const config = block.type === 'terraform_data' ? { input: resolve(block.config.input, this.values) } : resolve(stripMeta(block.config), this.values);
      const known = this.state[block.address];
      if (block.type.startsWith('data.')) {
        this.values.set(block.address, await this.read(block.type, config));
        continue;
      }
      const attributes = await this.ensure(block, config, known, runProvisioner);
      this.values.set(block.address, attributes.values);
      // A generated password is input to a user, not an object: it is neither kept nor counted.
      if (block.type === 'random_password') continue;
      this.state[block.address] = attributes.stateful;
      this.save();
      counts[attributes.created ? 'created' : 'unchanged']++;
      if (attributes.created) this.createdTotal++;
    }
    return counts;
  }

  /** Runs each link's pre-destroy provisioner, then deletes every object, in reverse order. */
  async destroy(runProvisioner: RunProvisioner): Promise<DeployCounts> {
    const counts: DeployCounts = { created: 0, unchanged: 0, destroyed: 0 };
    for (const block of [...this.blocks].reverse()) {
      const known = this.state[block.address];
      if (!known) continue;
      await this.remove(block, known, runProvisioner);
      delete this.state[block.address];
      this.save();
      counts.destroyed++;
    }
    return counts;
  }

  private async read(type: string, config: any): Promise<Record<string, unknown>> {
    const g = this.g;
    switch (type) {
      case 'data.azuread_client_config':
        return { tenant_id: (await g.api('/organization').get()).value[0].id };
      case 'data.azuread_domains':
        return { domains: (await g.api('/domains').get()).value.filter((d: any) => !config.only_default || d.isDefault).map((d: any) => ({ domain_name: d.id })) };
      case 'data.azuread_application_template': {
        const [template] = (await g.api('/applicationTemplates').filter(`displayName eq '${config.display_name}'`).get()).value;
        if (!template) throw new Error(`The tenant has no gallery template "${config.display_name}"`);
        return { template_id: template.id };
      }
      case 'data.aws_ssoadmin_instances': {
        const instances = (await this.awsProvider(config.provider.replace(/^aws\./, '')).ssoAdmin.send(new ListInstancesCommand({}))).Instances ?? [];
        return { arns: instances.map((i) => i.InstanceArn), identity_store_ids: instances.map((i) => i.IdentityStoreId) };
      }
      case 'data.aws_partition':
      case 'data.aws_region': {
        const provider = (this.stack.provider.aws as any[]).find((p) => `aws.${p.alias}` === config.provider);
        return { partition: partitionOf(provider.region), name: provider.region };
      }
      case 'data.aws_caller_identity': {
        const [instance] = (await this.awsProvider(config.provider.replace(/^aws\./, '')).ssoAdmin.send(new ListInstancesCommand({}))).Instances ?? [];
        return { account_id: instance?.OwnerAccountId };
      }
      default:
        throw new Error(`The rehearsal cannot read ${type}`);
    }
  }

  private async ensure(block: Block, config: any, known: Record<string, unknown> | undefined, runProvisioner: RunProvisioner) {
    const g = this.g;
    const exists = async (path: string) => Boolean(await g.api(path).get().catch((e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e))));
    const result = (values: Record<string, unknown>, created: boolean, stateful: Record<string, unknown> = values) => ({ values, created, stateful });

    switch (block.type) {
      case 'random_password':
        return result({ result: randomBytes(18).toString('base64') + 'aA1!' }, true);
      case 'azuread_user': {
        if (known && (await exists(`/users/${known.object_id}`))) return result(known, false);
        const user = await g.api('/users').post({
          accountEnabled: true,
          userPrincipalName: config.user_principal_name,
          displayName: config.display_name,
          givenName: config.given_name,
          surname: config.surname,
          department: config.department,
          mailNickname: config.mail_nickname,
          passwordProfile: { password: config.password, forceChangePasswordNextSignIn: config.force_password_change },
        });
        return result({ object_id: user.id, user_principal_name: user.userPrincipalName }, true);
      }
      case 'azuread_application': {
        let objectId = known?.object_id as string | undefined;
        let created = false;
        if (!objectId || !(await exists(`/applications/${objectId}`))) {
          const instance = await g.api(`/applicationTemplates/${config.template_id}/instantiate`).post({ displayName: config.display_name });
          objectId = instance.application.id as string;
          created = true;
        }
        const current = await g.api(`/applications/${objectId}`).get();
        const wanted = { identifierUris: config.identifier_uris ?? [], web: { redirectUris: config.web?.redirect_uris ?? [] } };
        if (JSON.stringify(current.identifierUris) !== JSON.stringify(wanted.identifierUris) || JSON.stringify(current.web.redirectUris) !== JSON.stringify(wanted.web.redirectUris)) {
          await g.api(`/applications/${objectId}`).patch(wanted);
          created = true;
        }
        return result({ object_id: objectId, client_id: current.appId }, created);
      }
      case 'azuread_service_principal': {
        const [sp] = (await g.api('/servicePrincipals').filter(`appId eq '${config.client_id}'`).get()).value;
        if (!sp) throw new Error(`No service principal for application ${config.client_id}`);
        const wanted = { preferredSingleSignOnMode: config.preferred_single_sign_on_mode ?? null, loginUrl: config.login_url ?? null, appRoleAssignmentRequired: config.app_role_assignment_required ?? false };
        const differs = Object.entries(wanted).some(([k, v]) => sp[k] !== v);
        if (differs) await g.api(`/servicePrincipals/${sp.id}`).patch(wanted);
        const appRoleIds = Object.fromEntries((sp.appRoles as any[]).map((r) => [r.value, r.id]));
        return result({ object_id: sp.id, id: sp.id, app_role_ids: appRoleIds }, differs || !known);
      }
      case 'azuread_service_principal_token_signing_certificate': {
        if (known) {
          const sp = await g.api(`/servicePrincipals/${config.service_principal_id}`).get();
          if ((sp.keyCredentials as any[]).some((k) => k.customKeyIdentifier === known.thumbprint)) return result(known, false);
        }
        const key = await g.api(`/servicePrincipals/${config.service_principal_id}/addTokenSigningCertificate`).post({ displayName: config.display_name, endDateTime: config.end_date });
        return result({ thumbprint: key.thumbprint, key_id: key.keyId }, true);
      }
      case 'azuread_claims_mapping_policy': {
        if (known && (await exists(`/policies/claimsMappingPolicies/${known.id}`))) return result(known, false);
        const policy = await g.api('/policies/claimsMappingPolicies').post({ displayName: config.display_name, definition: config.definition });
        return result({ id: policy.id }, true);
      }
      case 'azuread_service_principal_claims_mapping_policy_assignment': {
        const assigned = (await g.api(`/servicePrincipals/${config.service_principal_id}/claimsMappingPolicies`).get()).value as any[];
        const stateful = { service_principal_id: config.service_principal_id, policy_id: config.claims_mapping_policy_id };
        if (assigned.some((p) => p.id === config.claims_mapping_policy_id)) return result(stateful, false);
        await g.api(`/servicePrincipals/${config.service_principal_id}/claimsMappingPolicies/$ref`).post({ '@odata.id': `${this.graphBase()}/policies/claimsMappingPolicies/${config.claims_mapping_policy_id}` });
        return result(stateful, true);
      }
      case 'azuread_app_role_assignment': {
        const assignments = (await g.api(`/servicePrincipals/${config.resource_object_id}/appRoleAssignedTo`).get()).value as any[];
        const existing = assignments.find((a) => a.principalId === config.principal_object_id && a.appRoleId === config.app_role_id);
        if (existing) return result({ id: existing.id, resource_object_id: config.resource_object_id }, false);
        const created = await g.api(`/servicePrincipals/${config.resource_object_id}/appRoleAssignedTo`).post({ principalId: config.principal_object_id, resourceId: config.resource_object_id, appRoleId: config.app_role_id });
        return result({ id: created.id, resource_object_id: config.resource_object_id }, true);
      }
      case 'terraform_data': {
        // As in Terraform: the create-time provisioner runs once; a failed run leaves the link tainted to run again.
        if (known?.provisioned) return result({ input: config.input, output: config.input }, false, known);
        const provisioner = (block.config.provisioner as any[]).map((p) => p['local-exec']).find((p) => p.when !== 'destroy');
        this.state[block.address] = { input: config.input, provisioned: false };
        this.save();
        await runProvisioner(block.address, provisioner, config.input);
        return result({ input: config.input, output: config.input }, true, { input: config.input, provisioned: true });
      }
      default:
        throw new Error(`The rehearsal cannot apply ${block.type}`);
    }
  }

  private graphBase(): string {
    return `${this.graphEndpoint}/v1.0`;
  }

  private async remove(block: Block, known: Record<string, any>, runProvisioner: RunProvisioner): Promise<void> {
    const g = this.g;
    const gone = (e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e));
    switch (block.type) {
      case 'terraform_data': {
        const provisioner = (block.config.provisioner as any[]).map((p) => p['local-exec']).find((p) => p.when === 'destroy');
        // Terraform skips destroy-time provisioners of tainted resources.
        if (known.provisioned) await runProvisioner(block.address, provisioner, known.input);
        return;
      }
      case 'azuread_app_role_assignment':
        return g.api(`/servicePrincipals/${known.resource_object_id}/appRoleAssignedTo/${known.id}`).delete().catch(gone);
      case 'azuread_service_principal_claims_mapping_policy_assignment':
        return g.api(`/servicePrincipals/${known.service_principal_id}/claimsMappingPolicies/${known.policy_id}/$ref`).delete().catch(gone);
      case 'azuread_claims_mapping_policy':
        return g.api(`/policies/claimsMappingPolicies/${known.id}`).delete().catch(gone);
      case 'azuread_service_principal':
        return g.api(`/servicePrincipals/${known.object_id}`).delete().catch(gone);
      case 'azuread_application':
        return g.api(`/applications/${known.object_id}`).delete().catch(gone);
      case 'azuread_user':
        return g.api(`/users/${known.object_id}`).delete().catch(gone);
      default:
        // Certificates go with their service principal; data sources hold nothing.
        return;
    }
  }
}

function stripMeta(config: any): any {
  const { provisioner, lifecycle, depends_on, ...rest } = config;
  return rest;
}

/** Data and resources in an order where each comes after what it refers to. */
function orderByReferences(blocks: Block[]): Block[] {
  const byAddress = new Map(blocks.map((b) => [b.address, b]));
  const ordered: Block[] = [];
  const visiting = new Set<string>();
  const visit = (block: Block) => {
    if (ordered.includes(block) || visiting.has(block.address)) return;
    visiting.add(block.address);
    references(stripMeta(block.config)).forEach((address) => byAddress.get(address) && visit(byAddress.get(address)!));
    ordered.push(block);
  };
  blocks.forEach(visit);
  return ordered;
}
