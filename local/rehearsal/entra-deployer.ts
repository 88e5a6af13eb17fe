/**
 * Applies and destroys the synthesized azure-id stack through the Entra emulator, resource by
 * resource as the azuread provider would (no azuread binary is available here). Terraform's part
 * for the federation links is kept: their provisioners run exactly as synthesized.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import type { Client } from '@microsoft/microsoft-graph-client';
import { awsClients } from '../../scripts/clients/aws';
import type { TokenCredential } from '@azure/identity';
import { graphClient, graphTransience } from '../../scripts/clients/graph';
import { pollUntil, retry } from '../../scripts/retry';
import { knownAfterApply, references, resolve, Values } from './expressions';

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
  /** What the provider's next plan would change after this apply, as `address: attribute`. */
  drift: string[];
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
    // One per instance: the post-apply terraform_data (the link beside it carries the same input).
    return Object.entries(this.state)
      .filter(([address]) => address.startsWith('terraform_data.') && address.includes('_post_apply_'))
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
      // The azuread provider calls Graph beta for groups (internal/services/groups/client/client.go).
      api: (path: string, version: 'v1.0' | 'beta' = 'v1.0') => {
        const request = () => graph.api(path).version(version);
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
    const counts: DeployCounts = { created: 0, unchanged: 0, destroyed: 0, drift: [] };
    const applied: [Block, any][] = [];
    for (const block of this.blocks) {
      const config = block.type === 'terraform_data' ? { input: resolve(block.config.input, this.values), triggers: resolve(block.config.triggers_replace, this.values) } : resolve(stripMeta(block.config), this.values);
      let known: Record<string, unknown> | undefined = this.state[block.address];
      if (block.type.startsWith('data.')) {
        this.values.set(block.address, await this.read(block.type, config));
        continue;
      }
      // lifecycle.replace_triggered_by: a change of a referenced resource replaces this one (Terraform's
      // lifecycle docs), the old object destroyed first. The state keeps what the references were at create.
      const triggeredBy: string[] = (block.config.lifecycle?.replace_triggered_by ?? []).map(addressOf);
      const triggers = triggeredBy.length ? Object.fromEntries(triggeredBy.map((address) => [address, this.values.get(address) ?? null])) : undefined;
      if (known && triggers && known.replace_triggers && !sameValue(known.replace_triggers, triggers)) {
        await this.remove(block, known, runProvisioner);
        delete this.state[block.address];
        this.save();
        known = undefined;
      }
      const attributes = await this.ensure(block, config, known, runProvisioner);
      this.values.set(block.address, attributes.values);
      this.state[block.address] = triggers ? { ...attributes.stateful, replace_triggers: triggers } : attributes.stateful;
      this.save();
      counts[attributes.created ? 'created' : 'unchanged']++;
      if (attributes.created) this.createdTotal++;
      applied.push([block, config]);
    }
    for (const [block, config] of applied) counts.drift.push(...(await this.plannedChanges(block, config)).map((attribute) => `${block.address}: ${attribute}`));
    return counts;
  }

  /**
   * The attributes the provider's next plan would change: each managed attribute as the provider's
   * Read refreshes it from Graph, against the configuration, minus `ignore_changes`. An optional
   * attribute that is not computed and not configured is planned back to empty (Terraform SDK
   * semantics; e.g. `app_role` of azuread_application, application_resource.go).
   */
  private async plannedChanges(block: Block, config: any): Promise<string[]> {
    const refreshed = await this.refresh(block, this.state[block.address]);
    if (refreshed === null) return [];
    if (refreshed === undefined) return ['(gone: would be created)'];
    const ignored: string[] = block.config.lifecycle?.ignore_changes ?? [];
    const notComputed = NOT_COMPUTED[block.type] ?? [];
    return Object.entries(refreshed)
      .filter(([attribute]) => !ignored.includes(attribute))
      .filter(([attribute, value]) => {
        if (knownAfterApply(block.config[attribute])) return true;
        if (attribute in config) return !sameValue(config[attribute], value);
        return notComputed.includes(attribute) && !isEmpty(value);
      })
      .map(([attribute]) => attribute);
  }

  /** Runs each link's pre-destroy provisioner, then deletes every object, in reverse order. */
  async destroy(runProvisioner: RunProvisioner): Promise<DeployCounts> {
    const counts: DeployCounts = { created: 0, unchanged: 0, destroyed: 0, drift: [] };
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
      case 'data.azuread_service_principal': {
        // service_principal_data_source.go (v3.7.0): by client_id, a list filtered on appId, exactly one;
        // oauth2_permission_scope_ids maps each scope's value to its id.
        const found = (await g.api('/servicePrincipals').filter(`appId eq '${config.client_id}'`).get()).value as any[];
        if (found.length !== 1) throw new Error(`found ${found.length} service principals matching filter: "appId eq '${config.client_id}'"`);
        const [sp] = found;
        return { object_id: sp.id, client_id: sp.appId, oauth2_permission_scope_ids: Object.fromEntries((sp.oauth2PermissionScopes ?? []).map((s: any) => [s.value, s.id])) };
      }
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
        // The provider instantiates the template; the SAML URLs are separate resources (application_resource.go).
        if (known && (await exists(`/applications/${known.object_id}`))) return result(await this.applicationValues(String(known.object_id)), false, known);
        if (!config.template_id) return this.createApplication(config);
        const instance = await g.api(`/applicationTemplates/${config.template_id}/instantiate`).post({ displayName: config.display_name });
        const objectId = instance.application.id as string;
        return result(await this.applicationValues(objectId), true, { object_id: objectId });
      }
      case 'azuread_service_principal': {
        let [sp] = (await g.api('/servicePrincipals').filter(`appId eq '${config.client_id}'`).get()).value;
        // service_principal_resource.go (v3.7.0), Create: use_existing adopts the one instantiate made; otherwise POST one for the app.
        if (!sp && !config.use_existing) sp = await g.api('/servicePrincipals').post({ accountEnabled: true, appId: config.client_id, appRoleAssignmentRequired: config.app_role_assignment_required ?? false });
        if (!sp) throw new Error(`No service principal for application ${config.client_id}`);
        const wanted = { preferredSingleSignOnMode: config.preferred_single_sign_on_mode ?? null, loginUrl: config.login_url ?? null, appRoleAssignmentRequired: config.app_role_assignment_required ?? false };
        const differs = Object.entries(wanted).some(([k, v]) => sp[k] !== v);
        if (differs) await g.api(`/servicePrincipals/${sp.id}`).patch(wanted);
        const values = { id: `/servicePrincipals/${sp.id}`, object_id: sp.id, app_roles: flattenAppRoles(sp.appRoles), app_role_ids: flattenAppRoleIds(sp.appRoles) };
        return result(values, differs || !known, { object_id: sp.id, use_existing: Boolean(config.use_existing) });
      }
      case 'azuread_application_identifier_uri': {
        // application_identifier_uri_resource.go: read the app, append this URI, PATCH them together.
        const objectId = objectIdOf(config.application_id);
        const { identifierUris } = await g.api(`/applications/${objectId}`).get();
        const stateful = { application_object_id: objectId, identifier_uri: config.identifier_uri };
        if ((identifierUris as string[]).includes(config.identifier_uri)) return result(stateful, false);
        await g.api(`/applications/${objectId}`).patch({ identifierUris: [...identifierUris, config.identifier_uri] });
        return result(stateful, true);
      }
      case 'azuread_application_redirect_uris': {
        // application_redirect_uris_resource.go: the URIs of one type, written as a whole.
        const objectId = objectIdOf(config.application_id);
        const current = await g.api(`/applications/${objectId}`).get();
        const stateful = { application_object_id: objectId, type: config.type };
        if (sameValue(current.web.redirectUris, config.redirect_uris)) return result(stateful, false);
        await g.api(`/applications/${objectId}`).patch({ web: { redirectUris: config.redirect_uris } });
        return result(stateful, true);
      }
      case 'azuread_service_principal_token_signing_certificate': {
        const spId = objectIdOf(config.service_principal_id);
        if (known && (await this.keyCredential(spId, String(known.key_id)))) return result(known, false);
        const added = await g.api(`/servicePrincipals/${spId}/addTokenSigningCertificate`).post({ displayName: config.display_name, endDateTime: config.end_date });
        // The returned keyId is the Sign key's; the provider keeps the Verify key that shares its
        // customKeyIdentifier (service_principal_token_signing_certificate_resource.go, Create).
        const sp = await g.api(`/servicePrincipals/${spId}`).get();
        const verify = (sp.keyCredentials as any[]).find((k) => k.usage === 'Verify' && k.customKeyIdentifier === added.customKeyIdentifier);
        if (!verify) throw new Error(`No Verify key with customKeyIdentifier ${added.customKeyIdentifier} on service principal ${spId}`);
        return result({ service_principal_id: config.service_principal_id, key_id: verify.keyId, thumbprint: thumbprintOf(verify.key) }, true);
      }
      case 'azuread_claims_mapping_policy': {
        if (known && (await exists(`/policies/claimsMappingPolicies/${known.id}`))) return result(known, false);
        const policy = await g.api('/policies/claimsMappingPolicies').post({ displayName: config.display_name, definition: config.definition });
        return result({ id: policy.id }, true);
      }
      case 'azuread_service_principal_claims_mapping_policy_assignment': {
        const spId = objectIdOf(config.service_principal_id);
        const assigned = (await g.api(`/servicePrincipals/${spId}/claimsMappingPolicies`).get()).value as any[];
        const stateful = { service_principal_id: spId, policy_id: config.claims_mapping_policy_id };
        if (assigned.some((p) => p.id === config.claims_mapping_policy_id)) return result(stateful, false);
        await g.api(`/servicePrincipals/${spId}/claimsMappingPolicies/$ref`).post({ '@odata.id': `${this.graphBase()}/policies/claimsMappingPolicies/${config.claims_mapping_policy_id}` });
        return result(stateful, true);
      }
      case 'azuread_app_role_assignment': {
        const assignments = (await g.api(`/servicePrincipals/${config.resource_object_id}/appRoleAssignedTo`).get()).value as any[];
        const existing = assignments.find((a) => a.principalId === config.principal_object_id && a.appRoleId === config.app_role_id);
        const stateful = (id: string) => ({ id, resource_object_id: config.resource_object_id, app_role_id: config.app_role_id });
        if (existing) return result(stateful(existing.id), false);
        const created = await g.api(`/servicePrincipals/${config.resource_object_id}/appRoleAssignedTo`).post({ principalId: config.principal_object_id, resourceId: config.resource_object_id, appRoleId: config.app_role_id });
        return result(stateful(created.id), true);
      }
      case 'azuread_service_principal_delegated_permission_grant': {
        // service_principal_delegated_permission_grant_resource.go (v3.7.0), Create: both service principals
        // must exist; POST an oauth2PermissionGrant whose scope is claim_values joined by spaces, consentType
        // AllPrincipals without user_object_id (Principal with it); the id is the grant's.
        if (known && (await exists(`/oauth2PermissionGrants/${known.id}`))) {
          const grant = await g.api(`/oauth2PermissionGrants/${known.id}`).get();
          const scope = (config.claim_values as string[]).join(' ');
          // Update PATCHes the scope alone (same file, Update).
          if (!sameValue(grant.scope.split(' '), config.claim_values)) await g.api(`/oauth2PermissionGrants/${known.id}`).patch({ scope });
          return result(known, !sameValue(grant.scope.split(' '), config.claim_values));
        }
        for (const id of [config.service_principal_object_id, config.resource_service_principal_object_id]) await g.api(`/servicePrincipals/${id}`).get();
        const grant = await g.api('/oauth2PermissionGrants').post({
          clientId: config.service_principal_object_id,
          resourceId: config.resource_service_principal_object_id,
          scope: (config.claim_values as string[]).join(' '),
          ...(config.user_object_id ? { principalId: config.user_object_id, consentType: 'Principal' } : { consentType: 'AllPrincipals' }),
        });
        return result({ id: grant.id }, true);
      }
      case 'azuread_group':
        return this.ensureGroup(config, known);
      case 'azuread_group_role_management_policy':
        return this.ensurePolicy(block, config, known);
      case 'azuread_privileged_access_group_eligibility_schedule':
        return this.ensureEligibility(block, config, known);
      case 'azuread_group_member': {
        // group_member_resource.go, Create: the group must exist; a membership that exists already is
        // an error ("already exists - to be managed via Terraform this resource needs to be imported").
        const stateful = { group_object_id: config.group_object_id, member_object_id: config.member_object_id };
        if (known && (await this.isMember(config.group_object_id, config.member_object_id))) return result(stateful, false);
        await g.api(`/groups/${config.group_object_id}`, 'beta').get();
        if (await this.isMember(config.group_object_id, config.member_object_id)) {
          throw new Error(`${block.address}: ${config.member_object_id} is already a member of group ${config.group_object_id}; to be managed via Terraform this resource needs to be imported`);
        }
        await g.api(`/groups/${config.group_object_id}/members/$ref`, 'beta').post({ '@odata.id': `${this.graphEndpoint}/beta/directoryObjects/${config.member_object_id}` });
        return result(stateful, true);
      }
      case 'terraform_data': {
        // As in Terraform: the create-time provisioner runs once; a failed run leaves the link tainted to run again.
        if (known?.provisioned && sameValue(known.triggers ?? null, config.triggers ?? null)) return result({ input: config.input, output: config.input }, false, known);
        // A changed triggers_replace replaces the resource (terraform_data docs): destroy-time provisioners first, then create-time ones.
        if (known?.provisioned) await this.remove(block, known, runProvisioner);
        // An eligibility's trigger (constructs/entra-pim.ts) holds no provisioner.
        const provisioner = ((block.config.provisioner ?? []) as any[]).map((p) => p['local-exec']).find((p) => p.when !== 'destroy');
        this.state[block.address] = { input: config.input, triggers: config.triggers, provisioned: false };
        this.save();
        // The federation link's two terraform_data each hold one provisioner (constructs/federation-link.ts).
        if (provisioner) await runProvisioner(block.address, provisioner, config.input);
        return result({ input: config.input, output: config.input }, true, { input: config.input, triggers: config.triggers, provisioned: true });
      }
      default:
        throw new Error(`The rehearsal cannot apply ${block.type}`);
    }
  }

  /**
   * azuread_group as group_resource.go (v3.7.0) does it. Create: POST the group (a security group
   * gets a random mailNickname, groupDefaultMailNickname in groups.go), PATCH the display name to a
   * temporary value and back, which tells that the new group is replicated, wait until a GET shows
   * the name, then read it (404 retried). Update: PATCH what differs of display_name and description.
   * Not done here: owners. The provider binds the caller as owner; the emulator's caller is no
   * directory object, and `owners` is Optional + Computed, so leaving it out changes no plan.
   */
  private async ensureGroup(config: any, known: Record<string, unknown> | undefined) {
    const g = this.g;
    const stateful = (id: string) => ({ object_id: id });
    const values = (group: any) => ({ id: `/groups/${group.id}`, object_id: group.id, display_name: group.displayName, mail_nickname: group.mailNickname });
    const current = known && (await g.api(`/groups/${known.object_id}`, 'beta').get().catch((e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e))));
    if (current) {
      // assignable_to_role is ForceNew (group_resource.go): a change replaces the group, which this stand-in does not do.
      if (Boolean(current.isAssignableToRole) !== Boolean(config.assignable_to_role)) {
        throw new Error(`azuread_group ${config.display_name}: assignable_to_role changes to ${Boolean(config.assignable_to_role)}, which replaces the group (ForceNew; Graph isAssignableToRole is immutable); the rehearsal's stand-in does not replace groups`);
      }
      const wanted = { displayName: config.display_name, description: config.description ?? null };
      const differs = current.displayName !== wanted.displayName || (current.description ?? null) !== wanted.description;
      if (differs) await g.api(`/groups/${current.id}`, 'beta').patch(wanted);
      return { values: values({ ...current, ...wanted }), created: differs, stateful: stateful(current.id) };
    }
    const created = await g.api('/groups', 'beta').post({
      ...(config.description ? { description: config.description } : {}),
      displayName: config.display_name,
      groupTypes: [],
      // group_resource.go (v3.7.0), Create: IsAssignableToRole from assignable_to_role (false when unset).
      isAssignableToRole: Boolean(config.assignable_to_role),
      mailEnabled: Boolean(config.mail_enabled),
      mailNickname: config.mail_nickname ?? randomMailNickname(),
      resourceBehaviorOptions: [],
      resourceProvisioningOptions: [],
      securityEnabled: Boolean(config.security_enabled),
    });
    for (const displayName of [`TERRAFORM_UPDATE_${randomUUID()}`, config.display_name]) await g.api(`/groups/${created.id}`, 'beta').patch({ displayName });
    await pollUntil(async () => ((await g.api(`/groups/${created.id}`, 'beta').get()).displayName === config.display_name ? true : undefined), { description: `group ${config.display_name} shows its display name`, timeoutMs: 60_000, intervalMs: 200 });
    return { values: values(await g.api(`/groups/${created.id}`, 'beta').get()), created: true, stateful: stateful(created.id) };
  }

  /** group_member_resource.go, Read: the group's members filtered on the member's id (groupGetMember in groups.go); none when the group is gone. */
  private async isMember(groupId: string, memberId: string): Promise<boolean> {
    const members = await this.once(`/groups/${groupId}/members?$filter=id eq '${memberId}'`);
    return (members?.value ?? []).some((m: any) => m.id === memberId);
  }

  /** One GET of Graph beta without the create-time patience (a 404 is an answer here): undefined for 404. */
  private once(path: string): Promise<any> {
    return this.graph.api(path).version('beta').get().catch((e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e)));
  }

  /**
   * An app registration without a template, as application_resource.go (v3.7.0) Create does it: POST
   * the application (isFallbackPublicClient, publicClient, requiredResourceAccess, signInAudience),
   * then PATCH the display name to a temporary value and back, which tells it is replicated. Not done
   * here: owners (the emulator's caller is no directory object; `owners` is Optional + Computed).
   */
  private async createApplication(config: any) {
    const g = this.g;
    const created = await g.api('/applications').post({
      displayName: config.display_name,
      isFallbackPublicClient: Boolean(config.fallback_public_client_enabled),
      publicClient: { redirectUris: config.public_client?.redirect_uris ?? [] },
      requiredResourceAccess: (config.required_resource_access ?? []).map((r: any) => ({ resourceAppId: r.resource_app_id, resourceAccess: r.resource_access.map((a: any) => ({ id: a.id, type: a.type })) })),
      signInAudience: config.sign_in_audience ?? 'AzureADMyOrg',
    });
    for (const displayName of [`TERRAFORM_UPDATE_${randomUUID()}`, config.display_name]) await g.api(`/applications/${created.id}`).patch({ displayName });
    return { values: await this.applicationValues(created.id), created: true, stateful: { object_id: created.id } };
  }

  private async applicationValues(objectId: string) {
    const app = await this.g.api(`/applications/${objectId}`).get();
    // The provider's `id` is the resource id /applications/{objectId} (azuread 3.x).
    return { id: `/applications/${objectId}`, object_id: objectId, client_id: app.appId, app_role_ids: flattenAppRoleIds(app.appRoles) };
  }

  private async keyCredential(spId: string, keyId: string): Promise<any | undefined> {
    const sp = await this.g.api(`/servicePrincipals/${spId}`).get().catch((e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e)));
    return (sp?.keyCredentials as any[] | undefined)?.find((k) => k.keyId === keyId);
  }

  /**
   * The managed attributes as the provider's Read sets them; undefined when the object is gone, null
   * for what is not refreshed here (federation links: their input is compared on apply).
   */
  private async refresh(block: Block, known: Record<string, any>): Promise<Record<string, unknown> | undefined | null> {
    const get = (path: string) => this.g.api(path).get().catch((e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e)));
    switch (block.type) {
      case 'azuread_user': {
        const user = await get(`/users/${known.object_id}`);
        // The password cannot be read back; the state keeps the applied one (user_resource.go).
        return user && { user_principal_name: user.userPrincipalName, display_name: user.displayName, given_name: user.givenName, surname: user.surname, department: user.department, mail_nickname: user.mailNickname, password: undefined };
      }
      case 'azuread_application': {
        const app = await get(`/applications/${known.object_id}`);
        const publicClient = { fallback_public_client_enabled: Boolean(app?.isFallbackPublicClient), public_client: { redirect_uris: app?.publicClient?.redirectUris ?? [] }, required_resource_access: (app?.requiredResourceAccess ?? []).map((r: any) => ({ resource_app_id: r.resourceAppId, resource_access: r.resourceAccess })) };
        return app && { display_name: app.displayName, template_id: app.applicationTemplateId, identifier_uris: app.identifierUris, app_role: flattenAppRoles(app.appRoles), web: { redirect_uris: app.web.redirectUris, homepage_url: app.web.homePageUrl ?? '' }, ...publicClient };
      }
      case 'azuread_service_principal': {
        const sp = await get(`/servicePrincipals/${known.object_id}`);
        return sp && { preferred_single_sign_on_mode: sp.preferredSingleSignOnMode ?? '', login_url: sp.loginUrl ?? '', app_role_assignment_required: sp.appRoleAssignmentRequired };
      }
      case 'azuread_application_identifier_uri': {
        const app = await get(`/applications/${known.application_object_id}`);
        return app?.identifierUris.includes(known.identifier_uri) ? { identifier_uri: known.identifier_uri } : undefined;
      }
      case 'azuread_application_redirect_uris': {
        const app = await get(`/applications/${known.application_object_id}`);
        return app?.web.redirectUris.length ? { type: known.type, redirect_uris: app.web.redirectUris } : undefined;
      }
      case 'azuread_service_principal_token_signing_certificate': {
        const key = await this.keyCredential(objectIdOf(known.service_principal_id), known.key_id);
        return key && { display_name: key.displayName };
      }
      case 'azuread_claims_mapping_policy': {
        const policy = await get(`/policies/claimsMappingPolicies/${known.id}`);
        return policy && { display_name: policy.displayName, definition: policy.definition };
      }
      case 'azuread_service_principal_claims_mapping_policy_assignment': {
        const assigned = (await get(`/servicePrincipals/${known.service_principal_id}/claimsMappingPolicies`))?.value ?? [];
        return assigned.some((p: any) => p.id === known.policy_id) ? { claims_mapping_policy_id: known.policy_id } : undefined;
      }
      case 'azuread_group': {
        // group_resource.go, Read: members, owners and mail_nickname are Computed; description reads back as "".
        const group = await this.once(`/groups/${known.object_id}`);
        return group && { display_name: group.displayName, description: group.description ?? '', security_enabled: group.securityEnabled, mail_enabled: group.mailEnabled, assignable_to_role: Boolean(group.isAssignableToRole) };
      }
      case 'azuread_service_principal_delegated_permission_grant': {
        // Read: claim_values from the grant's space-separated scope (tf.FromSpaceSeparated).
        const grant = await get(`/oauth2PermissionGrants/${known.id}`);
        return grant && { claim_values: grant.scope.split(' ').filter(Boolean), service_principal_object_id: grant.clientId, resource_service_principal_object_id: grant.resourceId };
      }
      case 'azuread_group_role_management_policy':
        return this.refreshPolicy(block, known);
      case 'azuread_privileged_access_group_eligibility_schedule':
        return this.refreshEligibility(known);
      case 'azuread_group_member':
        return (await this.isMember(known.group_object_id, known.member_object_id)) ? { group_object_id: known.group_object_id, member_object_id: known.member_object_id } : undefined;
      case 'azuread_app_role_assignment': {
        const assignments = (await get(`/servicePrincipals/${known.resource_object_id}/appRoleAssignedTo`))?.value ?? [];
        const assignment = assignments.find((a: any) => a.id === known.id);
        return assignment && { app_role_id: assignment.appRoleId, principal_object_id: assignment.principalId };
      }
      default:
        return null;
    }
  }

  /**
   * azuread_group_role_management_policy as group_role_management_policy_resource.go (v3.7.0) does it.
   * The policy always exists: Create finds it through the group's policy assignment for the role
   * (policies.go, getPolicyId: exactly one, else "expected 1, got N"; none before the group is onboarded,
   * provider issue 1769), GETs it with $expand=*, PATCHes only the rules whose settings changed, each
   * keeping the existing rule's target (buildPolicyForUpdate), then reads the id again, "as it changes on
   * modification". Update does the same from the id in the state. Read (refreshPolicy) GETs the policy and
   * errors unless exactly one assignment has its policyId. No retries beyond the SDK's (429, 5xx).
   */
  private async ensurePolicy(block: Block, config: any, known: Record<string, any> | undefined) {
    const stateful = (id: string) => ({ id, group_id: config.group_id, role_id: config.role_id });
    let policyId: string;
    // On Update, the attributes (block.attribute) whose refreshed value differs from the configuration (HasChange).
    let changed: Set<string> | undefined;
    if (known) {
      const refreshed: Record<string, any> = (await this.refreshPolicy(block, known))!;
      changed = new Set(
        ['activation_rules', 'eligible_assignment_rules'].flatMap((key) => Object.keys(config[key] ?? {}).filter((attribute) => !sameValue(config[key][attribute], refreshed[key]?.[attribute])).map((attribute) => `${key}.${attribute}`)),
      );
      if (!changed.size) return { values: stateful(known.id), created: false, stateful: stateful(known.id) };
      policyId = known.id;
    } else {
      policyId = await this.policyIdOf(config.group_id, config.role_id);
    }
    const existing = await this.g.api(`/policies/roleManagementPolicies/${policyId}?$expand=*`).get().catch((e: any) => Promise.reject(new Error(`${block.address}: retrieving policy ${policyId}: ${e.message}`)));
    const rules = policyRulesFor(config, existing.rules, changed);
    if (rules.length) {
      await this.g
        .api(`/policies/roleManagementPolicies/${policyId}`)
        .patch({ id: policyId, rules, scopeId: config.group_id, scopeType: 'Group' })
        .catch((e: any) => Promise.reject(new Error(`${block.address}: ${known ? 'updating' : 'creating'} ${policyId}: ${e.message}`)));
    }
    // "Update the ID as it changes on modification".
    const id = await this.policyIdOf(config.group_id, config.role_id);
    return { values: stateful(id), created: true, stateful: stateful(id) };
  }

  /** policies.go, getPolicyId: the group's one policy assignment for the role. */
  private async policyIdOf(groupId: string, roleId: string): Promise<string> {
    const filter = `scopeType eq 'Group' and scopeId eq '${groupId}' and roleDefinitionId eq '${roleId}'`;
    const assignments = (await this.g.api('/policies/roleManagementPolicyAssignments').filter(filter).get()).value as any[];
    if (assignments.length !== 1) throw new Error(`parsing policy ID: got the wrong number of policy assignments: expected 1, got ${assignments.length}`);
    return assignments[0].policyId;
  }

  private async policyRules(policyId: string): Promise<any[] | undefined> {
    // One GET (v1.0) without the create-time patience: a 404 is an answer here.
    const policy = await this.graph.api(`/policies/roleManagementPolicies/${policyId}?$expand=*`).get().catch((e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e)));
    return policy?.rules;
  }

  /**
   * Read: the policy by the id in the state (an error, not "gone", when it is missing), then its
   * assignment by scopeId and policyId, which must be exactly one; the managed blocks as Read sets them
   * (rules by id), limited to the attributes configured.
   */
  private async refreshPolicy(block: Block, known: Record<string, any>) {
    const rules = await this.policyRules(known.id);
    if (!rules) throw new Error(`${block.address}: retrieving policy ${known.id}: 404 (the provider's Read keeps it in the state; its id may have changed outside Terraform)`);
    const filter = `scopeType eq 'Group' and scopeId eq '${known.group_id}' and policyId eq '${known.id}'`;
    const assignments = (await this.g.api('/policies/roleManagementPolicyAssignments').filter(filter).get()).value as any[];
    if (assignments.length !== 1) throw new Error(`${block.address}: retrieving ${known.id}: expected 1 assignment, got ${assignments.length}`);
    const rule = (id: string) => rules.find((r) => r.id === id) ?? {};
    const enabled: string[] = rule('Enablement_EndUser_Assignment').enabledRules ?? [];
    const stages = rule('Approval_EndUser_Assignment').setting?.approvalStages ?? [];
    const activation: Record<string, unknown> = {
      maximum_duration: rule('Expiration_EndUser_Assignment').maximumDuration,
      require_justification: enabled.includes('Justification'),
      require_multifactor_authentication: enabled.includes('MultiFactorAuthentication'),
      require_approval: Boolean(rule('Approval_EndUser_Assignment').setting?.isApprovalRequired),
      approval_stage: stages.length ? { primary_approver: stages[0].primaryApprovers.map(flattenApprover) } : undefined,
    };
    const eligible = { expiration_required: Boolean(rule('Expiration_Admin_Eligibility').isExpirationRequired), expire_after: rule('Expiration_Admin_Eligibility').maximumDuration };
    const configured = (full: Record<string, unknown>, wanted: object | undefined) => Object.fromEntries(Object.keys(wanted ?? {}).map((key) => [key, full[key]]));
    return { activation_rules: configured(activation, block.config.activation_rules), eligible_assignment_rules: configured(eligible, block.config.eligible_assignment_rules) };
  }

  /**
   * azuread_privileged_access_group_eligibility_schedule as privileged_access_group_eligiblity_schedule_resource.go
   * (v3.7.0) does it: Create POSTs an eligibility schedule request with action adminAssign and the
   * schedule of privileged_access_group_schedule.go (buildScheduleRequest); a Failed request is an
   * error; the resource id is the request's targetScheduleId (<group>_<member|owner>_<id>).
   */
  private async ensureEligibility(block: Block, config: any, known: Record<string, unknown> | undefined) {
    const refreshed: Record<string, unknown> | undefined = known && (await this.refreshEligibility(known));
    if (known && refreshed) {
      // Update (same file): the arguments that are not ForceNew, when they differ, are sent again as
      // another adminAssign for the same principal and group, which Entra refuses with RoleAssignmentExists
      // (provider issues 1412, 1431). The product never plans this (constructs/entra-pim.ts replaces instead).
      const changed = ['duration', 'justification', 'expiration_date', 'permanent_assignment', 'ticket_number', 'ticket_system'].filter((key) => key in config && !sameValue(config[key], refreshed[key] ?? null));
      if (!changed.length) return { values: known, created: false, stateful: known };
      await this.g
        .api(ELIGIBILITY_REQUESTS)
        .post({ accessId: config.assignment_type, principalId: config.principal_id, groupId: config.group_id, action: 'adminAssign', justification: config.justification || undefined, scheduleInfo: scheduleRequest(config) })
        .catch((e: any) => Promise.reject(new Error(`${block.address}: creating updated eligibility schedule request: ${e.code}: ${e.message}`)));
      return { values: known, created: true, stateful: known };
    }
    const request = await this.g.api(ELIGIBILITY_REQUESTS).post({
      accessId: config.assignment_type,
      principalId: config.principal_id,
      groupId: config.group_id,
      action: 'adminAssign',
      justification: config.justification || undefined,
      scheduleInfo: scheduleRequest(config),
    });
    if (request.status === 'Failed') throw new Error(`${block.address}: creating eligibility schedule request: request is in a failed state`);
    if (String(request.targetScheduleId ?? '').split('_').length !== 3) throw new Error(`${block.address}: parsing GroupScheduleId: expecting 3 parts, got ${request.targetScheduleId}`);
    const stateful = { id: request.targetScheduleId, group_id: config.group_id, principal_id: config.principal_id, assignment_type: config.assignment_type, status: request.status };
    return { values: stateful, created: true, stateful };
  }

  /** Read: the schedule, and the newest request for it ("schedule requests are never deleted"). */
  private async refreshEligibility(known: Record<string, any>) {
    const schedule = await this.g.api(`/identityGovernance/privilegedAccess/group/eligibilitySchedules/${known.id}`).get().catch((e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e)));
    const requests = (await this.g.api(`${ELIGIBILITY_REQUESTS}?$orderby=createdDateTime desc`).filter(`groupId eq '${known.group_id}' and targetScheduleId eq '${known.id}'`).get()).value as any[];
    if (!schedule) return undefined;
    const source = requests[0] ?? schedule;
    return { assignment_type: source.accessId, group_id: source.groupId, principal_id: source.principalId, justification: source.justification ?? '', duration: source.scheduleInfo?.expiration?.duration ?? '', permanent_assignment: source.scheduleInfo?.expiration?.type === 'noExpiration' };
  }

  /** Delete by the status the state holds: a provisioned schedule is ended by an adminRemove request (revokeEligibilityRequest). */
  private async removeEligibility(known: Record<string, any>): Promise<void> {
    if (known.status === 'Canceled' || known.status === 'Revoked') return;
    await this.g
      .api(ELIGIBILITY_REQUESTS)
      .post({ accessId: known.assignment_type, principalId: known.principal_id, groupId: known.group_id, action: 'adminRemove' })
      .catch((e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e)));
  }

  private graphBase(): string {
    return `${this.graphEndpoint}/v1.0`;
  }

  private async remove(block: Block, known: Record<string, any>, runProvisioner: RunProvisioner): Promise<void> {
    const g = this.g;
    const gone = (e: any) => (e.statusCode === 404 ? undefined : Promise.reject(e));
    switch (block.type) {
      case 'terraform_data': {
        const provisioner = ((block.config.provisioner ?? []) as any[]).map((p) => p['local-exec']).find((p) => p.when === 'destroy');
        // Terraform skips destroy-time provisioners of tainted resources.
        if (known.provisioned && provisioner) await runProvisioner(block.address, provisioner, known.input);
        return;
      }
      case 'azuread_app_role_assignment':
        return g.api(`/servicePrincipals/${known.resource_object_id}/appRoleAssignedTo/${known.id}`).delete().catch(gone);
      case 'azuread_service_principal_delegated_permission_grant':
        // Delete: DELETE the grant by its id.
        return g.api(`/oauth2PermissionGrants/${known.id}`).delete().catch(gone);
      case 'azuread_group_role_management_policy':
        // group_role_management_policy_resource.go, Delete: "Policy cannot be destroyed, so this is a noop".
        return;
      case 'azuread_privileged_access_group_eligibility_schedule':
        return this.removeEligibility(known);
      case 'azuread_group_member':
        // group_member_resource.go, Delete: remove the reference, then wait until the member is gone.
        await g.api(`/groups/${known.group_object_id}/members/${known.member_object_id}/$ref`, 'beta').delete().catch(gone);
        return this.waitUntil(async () => !(await this.isMember(known.group_object_id, known.member_object_id)), `${known.member_object_id} leaves group ${known.group_object_id}`);
      case 'azuread_group':
        // group_resource.go, Delete: delete, then wait until a GET answers 404.
        await g.api(`/groups/${known.object_id}`, 'beta').delete().catch(gone);
        return this.waitUntil(async () => (await this.once(`/groups/${known.object_id}`)) === undefined, `group ${known.object_id} is deleted`);
      case 'azuread_service_principal_claims_mapping_policy_assignment':
        return g.api(`/servicePrincipals/${known.service_principal_id}/claimsMappingPolicies/${known.policy_id}/$ref`).delete().catch(gone);
      case 'azuread_claims_mapping_policy':
        return g.api(`/policies/claimsMappingPolicies/${known.id}`).delete().catch(gone);
      case 'azuread_service_principal_token_signing_certificate':
        return this.removeCertificate(objectIdOf(known.service_principal_id), known.key_id);
      case 'azuread_application_identifier_uri': {
        const { identifierUris } = await g.api(`/applications/${known.application_object_id}`).get();
        return g.api(`/applications/${known.application_object_id}`).patch({ identifierUris: (identifierUris as string[]).filter((uri) => uri !== known.identifier_uri) });
      }
      case 'azuread_application_redirect_uris':
        return g.api(`/applications/${known.application_object_id}`).patch({ web: { redirectUris: [] } });
      case 'azuread_service_principal':
        // service_principal_resource.go, Delete: with use_existing the delete's error is ignored.
        return g.api(`/servicePrincipals/${known.object_id}`).delete().catch(known.use_existing ? () => undefined : gone);
      case 'azuread_application':
        return g.api(`/applications/${known.object_id}`).delete().catch(gone);
      case 'azuread_user':
        return g.api(`/users/${known.object_id}`).delete().catch(gone);
      default:
        // Data sources hold nothing.
        return;
    }
  }

  /** The provider's consistency.WaitForDeletion, bounded. */
  private async waitUntil(done: () => Promise<boolean>, description: string): Promise<void> {
    await pollUntil(async () => ((await done()) ? true : undefined), { description, timeoutMs: 60_000, intervalMs: 200 });
  }

  /**
   * As service_principal_token_signing_certificate_resource.go, Delete: PATCH the key and password
   * credentials without the ones that share the certificate's customKeyIdentifier.
   */
  private async removeCertificate(spId: string, keyId: string): Promise<void> {
    const sp = await this.g.api(`/servicePrincipals/${spId}`).get();
    const customKeyIdentifier = (sp.keyCredentials as any[]).find((k) => k.keyId === keyId)?.customKeyIdentifier;
    if (!customKeyIdentifier) return;
    const others = (credentials: any[]) => credentials.filter((c) => c.customKeyIdentifier !== customKeyIdentifier);
    await this.g.api(`/servicePrincipals/${spId}`).patch({ keyCredentials: others(sp.keyCredentials), passwordCredentials: others(sp.passwordCredentials ?? []) });
  }
}

const ELIGIBILITY_REQUESTS = '/identityGovernance/privilegedAccess/group/eligibilityScheduleRequests';
const POLICY_RULE = '#microsoft.graph.unifiedRoleManagementPolicy';

/** buildScheduleRequest (privileged_access_group_schedule.go): one of expiration_date, duration or permanent_assignment. */
function scheduleRequest(config: any) {
  const startDateTime = config.start_date || undefined;
  if (config.expiration_date) return { startDateTime, expiration: { endDateTime: config.expiration_date, type: 'afterDateTime' } };
  if (config.duration) return { startDateTime, expiration: { duration: config.duration, type: 'afterDuration' } };
  if (config.permanent_assignment) return { startDateTime, expiration: { type: 'noExpiration' } };
  throw new Error('either `expiration_date` or `duration` must be set, or `permanent_assignment` must be true');
}

/**
 * The rules buildPolicyForUpdate (group_role_management_policy_resource.go) sends on create, for the
 * blocks configured: eligibility expiry, activation maximum, approval with its stage, and the
 * enabled rules in the provider's order (MultiFactorAuthentication, Justification, Ticketing).
 */
function policyRulesFor(config: any, existing: any[], changed?: Set<string>) {
  const withTarget = (rule: Record<string, unknown>) => ({ ...rule, target: existing.find((r) => r.id === rule.id)?.target });
  const rules: Record<string, unknown>[] = [];
  // On Update only the rules of changed attributes (buildPolicyForUpdate: HasChange per attribute path).
  const has = (block: string, ...attributes: string[]) => !changed || attributes.some((attribute) => changed.has(`${block}.${attribute}`));
  const eligible = config.eligible_assignment_rules;
  if (eligible && has('eligible_assignment_rules', 'expiration_required', 'expire_after')) rules.push({ '@odata.type': `${POLICY_RULE}ExpirationRule`, id: 'Expiration_Admin_Eligibility', isExpirationRequired: Boolean(eligible.expiration_required), maximumDuration: eligible.expire_after || undefined });
  const activation = config.activation_rules;
  if (activation?.maximum_duration && has('activation_rules', 'maximum_duration')) rules.push({ '@odata.type': `${POLICY_RULE}ExpirationRule`, id: 'Expiration_EndUser_Assignment', maximumDuration: activation.maximum_duration });
  if (activation && ('require_approval' in activation || activation.approval_stage) && has('activation_rules', 'require_approval', 'approval_stage')) {
    if (activation.require_approval && !activation.approval_stage) throw new Error('require_approval is true, but no approval_stages are provided');
    const approvalStages = activation.approval_stage ? [{ primaryApprovers: activation.approval_stage.primary_approver.map(expandApprover) }] : existing.find((r) => r.id === 'Approval_EndUser_Assignment')?.setting?.approvalStages;
    rules.push({ '@odata.type': `${POLICY_RULE}ApprovalRule`, id: 'Approval_EndUser_Assignment', setting: { isApprovalRequired: Boolean(activation.require_approval), approvalStages } });
  }
  if (activation && ['require_multifactor_authentication', 'require_justification', 'require_ticket_info'].some((key) => key in activation) && has('activation_rules', 'require_multifactor_authentication', 'require_justification', 'require_ticket_info')) {
    const enabledRules = [activation.require_multifactor_authentication && 'MultiFactorAuthentication', activation.require_justification && 'Justification', activation.require_ticket_info && 'Ticketing'].filter(Boolean);
    rules.push({ '@odata.type': `${POLICY_RULE}EnablementRule`, id: 'Enablement_EndUser_Assignment', enabledRules });
  }
  return rules.map(withTarget);
}

/** primary_approver → Graph subject sets: singleUser by userId, groupMembers by groupId (buildPolicyForUpdate). */
const expandApprover = (approver: { object_id: string; type: string }) =>
  approver.type === 'groupMembers' ? { '@odata.type': '#microsoft.graph.groupMembers', groupId: approver.object_id } : { '@odata.type': '#microsoft.graph.singleUser', userId: approver.object_id };

/** The reverse, as Read flattens them. */
const flattenApprover = (subject: any) => (subject['@odata.type'] === '#microsoft.graph.groupMembers' ? { object_id: subject.groupId, type: 'groupMembers' } : { object_id: subject.userId, type: 'singleUser' });

/** Optional attributes that are not computed: left out of the config, the provider plans them empty. */
const NOT_COMPUTED: Record<string, string[]> = {
  // application_resource.go (v3.7.0): app_role, identifier_uris and web are Optional without Computed.
  azuread_application: ['app_role', 'identifier_uris', 'web'],
};

/** The provider's app_role_ids: roles without a value are skipped (FlattenAppRoleIDs, internal/helpers/applications/applications.go). */
function flattenAppRoleIds(roles: any[] = []): Record<string, string> {
  return Object.fromEntries(roles.filter((r) => r.value).map((r) => [r.value, r.id]));
}

/** The provider's app_role / app_roles blocks (FlattenAppRoles, same file). */
function flattenAppRoles(roles: any[] = []) {
  return roles.map((r) => ({ id: r.id, allowed_member_types: r.allowedMemberTypes, description: r.description ?? '', display_name: r.displayName ?? '', enabled: Boolean(r.isEnabled), value: r.value ?? '' }));
}

/** A security group's mailNickname as the provider makes one: 9 hex digits with a dash before the last (groupDefaultMailNickname, groups.go). */
function randomMailNickname(): string {
  const hex = Array.from({ length: 9 }, () => '0123456789abcdef'[randomInt(16)]).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8)}`;
}

/** An object id from an azuread 3.x resource id (`/servicePrincipals/{id}`) or a bare object id. */
const objectIdOf = (id: string) => String(id).split('/').pop()!;

/** The SHA-1 thumbprint of a base64 DER certificate, as the provider computes it (GetTokenSigningCertificateThumbprint). */
const thumbprintOf = (base64Der: string) => createHash('sha1').update(Buffer.from(base64Der, 'base64')).digest('hex').toUpperCase();

/** A canonical form in which list order does not count (the attributes compared here are sets). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => JSON.stringify(canonical(v))).sort();
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  return value ?? null;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.every(isEmpty);
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

function stripMeta(config: any): any {
  const { provisioner, lifecycle, depends_on, ...rest } = config;
  return rest;
}

/** A resource address as replace_triggered_by names it, `type.name` (cdktf may write it as `${type.name}`). */
const addressOf = (reference: string) => reference.replace(/^\$\{|\}$/g, '');

/** Data and resources in an order where each comes after what it refers to. */
function orderByReferences(blocks: Block[]): Block[] {
  const byAddress = new Map(blocks.map((b) => [b.address, b]));
  const ordered: Block[] = [];
  const visiting = new Set<string>();
  const visit = (block: Block) => {
    if (ordered.includes(block) || visiting.has(block.address)) return;
    visiting.add(block.address);
    // depends_on orders too: the SAML URLs come after SAML mode, and go before the app on destroy; so do
    // the resources replace_triggered_by names.
    [...references(stripMeta(block.config)), ...(block.config.depends_on ?? []), ...(block.config.lifecycle?.replace_triggered_by ?? []).map(addressOf)].forEach((address: string) => byAddress.get(address) && visit(byAddress.get(address)!));
    ordered.push(block);
  };
  blocks.forEach(visit);
  return ordered;
}
