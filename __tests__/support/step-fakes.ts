/**
 * In-memory stand-ins for what the federation steps call: the console operations, Graph and the
 * identity store. No network, no moto, no Terraform: the step unit tests run on these alone.
 * Each fake keeps what was written, so a test asserts on the clouds' state, not on the step's report.
 */
import { randomUUID } from 'node:crypto';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { BearerTokenInfo, ConsoleOperations, ExternalIdp, ProvisioningTenant, SpSamlConfig } from '../../scripts/clients/console-operations';
import { GraphApi, OnDemandResult, SyncJob } from '../../scripts/clients/graph';
import { FederationInput } from '../../scripts/federation-input';
import { Secret } from '../../scripts/secret';
import { StepContext } from '../../scripts/steps/step';
import { federationMetadata, SigningCertificate } from './entra-fake';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const DAY_S = 86_400;

interface StoreItem {
  UserId?: string;
  GroupId?: string;
  UserName?: string;
  DisplayName?: string;
  ExternalIds?: { Issuer: string; Id: string }[];
}

/** The SCIM issuer an object gets when a provisioning tenant creates it. */
export const issuerOf = (tenantId: string) => `arn:aws:identitystore:::provisioningtenant/${tenantId}`;

export class FakeIdentityStore {
  users: StoreItem[] = [];
  groups: StoreItem[] = [];
  memberships: { MembershipId: string; GroupId: string }[] = [];
  readonly calls: string[] = [];

  addUser(UserName: string, tenantId?: string): StoreItem {
    const user = { UserId: randomUUID(), UserName, ExternalIds: tenantId ? [{ Issuer: issuerOf(tenantId), Id: UserName }] : undefined };
    this.users.push(user);
    return user;
  }

  addGroup(DisplayName: string, tenantId?: string): StoreItem {
    const group = { GroupId: randomUUID(), DisplayName, ExternalIds: tenantId ? [{ Issuer: issuerOf(tenantId), Id: DisplayName }] : undefined };
    this.groups.push(group);
    this.memberships.push({ MembershipId: randomUUID(), GroupId: group.GroupId });
    return group;
  }

  /** The subset of IdentitystoreClient.send the steps use, dispatched on the command's name. */
  async send(command: { constructor: { name: string }; input: any }): Promise<any> {
    const name = command.constructor.name;
    const input = command.input;
    this.calls.push(name);
    switch (name) {
      case 'ListUsersCommand': {
        const filter = input.Filters?.[0];
        return { Users: filter ? this.users.filter((u) => u.UserName === filter.AttributeValue) : this.users };
      }
      case 'ListGroupsCommand':
        return { Groups: this.groups };
      case 'ListGroupMembershipsCommand':
        return { GroupMemberships: this.memberships.filter((m) => m.GroupId === input.GroupId) };
      case 'DeleteGroupMembershipCommand':
        this.memberships = this.memberships.filter((m) => m.MembershipId !== input.MembershipId);
        return {};
      case 'DeleteGroupCommand':
        this.groups = this.groups.filter((g) => g.GroupId !== input.GroupId);
        return {};
      case 'DeleteUserCommand':
        this.users = this.users.filter((u) => u.UserId !== input.UserId);
        return {};
      default:
        throw new Error(`FakeIdentityStore: ${name} is not faked`);
    }
  }
}

export class FakeConsole implements ConsoleOperations {
  sp: SpSamlConfig = { issuer: 'https://us-east-1.signin.aws/platform/saml/d-1234567890', acsUrl: 'https://us-east-1.signin.aws/platform/saml/acs/abc' };
  idp?: ExternalIdp;
  tenants: ProvisioningTenant[] = [];
  tokens = new Map<string, BearerTokenInfo[]>();
  readonly writes: string[] = [];
  private clock = 1_800_000_000;

  async getSpSamlConfig() {
    return this.sp;
  }
  async getExternalIdp() {
    return this.idp && { ...this.idp, certificates: [...this.idp.certificates] };
  }
  async createExternalIdp(_d: string, xml: string) {
    this.writes.push('createExternalIdp');
    const entityId = /entityID="([^"]+)"/.exec(xml)![1];
    const loginUrl = /SingleSignOnService[^>]*Location="([^"]+)"/.exec(xml)![1];
    // The IdP role's signing keys only: the ds:Signature and the RoleDescriptors carry certificates of their own.
    const idpRole = xml.slice(xml.search(/<(\w+:)?IDPSSODescriptor/));
    const certificates = [...idpRole.matchAll(/KeyDescriptor use="signing"[\s\S]*?X509Certificate>([^<]+)</g)].map((m, i) => ({ certificateId: `cert-${i}`, pem: pemOf(m[1]) }));
    this.idp = { idpId: 'idp-1', isEnabled: false, entityId, loginUrl, certificates };
    return 'idp-1';
  }
  async enableExternalIdp() {
    this.writes.push('enableExternalIdp');
    this.idp = { ...this.idp!, isEnabled: true };
  }
  async updateExternalIdp(_d: string, _i: string, config: { entityId: string; loginUrl: string }) {
    this.writes.push('updateExternalIdp');
    this.idp = { ...this.idp!, ...config };
  }
  async importIdpCertificate(_d: string, _i: string, pem: string) {
    this.writes.push('importIdpCertificate');
    this.idp!.certificates.push({ certificateId: randomUUID(), pem });
  }
  async deleteIdpCertificate(_d: string, _i: string, certificateId: string) {
    this.writes.push('deleteIdpCertificate');
    this.idp = { ...this.idp!, certificates: this.idp!.certificates.filter((c) => c.certificateId !== certificateId) };
  }
  async removeExternalIdp() {
    this.writes.push('removeExternalIdp');
    this.idp = undefined;
  }
  async listProvisioningTenants() {
    return [...this.tenants];
  }
  async createProvisioningTenant() {
    this.writes.push('createProvisioningTenant');
    const tenantId = randomUUID();
    const tenant = { tenantId, scimEndpoint: `https://scim.us-east-1.amazonaws.com/${tenantId}/scim/v2` };
    this.tenants.push(tenant);
    return tenant;
  }
  async deleteProvisioningTenant(_s: string, tenantId: string) {
    this.writes.push('deleteProvisioningTenant');
    this.tenants = this.tenants.filter((t) => t.tenantId !== tenantId);
  }
  async listBearerTokens(_s: string, tenantId: string) {
    return [...(this.tokens.get(tenantId) ?? [])];
  }
  async createBearerToken(_s: string, tenantId: string) {
    this.writes.push('createBearerToken');
    const info = { tokenId: randomUUID(), creationTime: this.clock++, expirationTime: this.clock + 365 * DAY_S };
    this.tokens.set(tenantId, [...(this.tokens.get(tenantId) ?? []), info]);
    return { info, token: new Secret(`token-${info.tokenId}`) };
  }
  async deleteBearerToken(_s: string, tenantId: string, tokenId: string) {
    this.writes.push('deleteBearerToken');
    this.tokens.set(tenantId, (this.tokens.get(tenantId) ?? []).filter((t) => t.tokenId !== tokenId));
  }
}

const pemOf = (base64: string) => `-----BEGIN CERTIFICATE-----\n${base64.replace(/\s+/g, '').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

type Job = { -readonly [K in keyof SyncJob]: SyncJob[K] } & { status: SyncJob['status'] & { code: string } };

/** Graph as the steps call it (its directory and synchronization calls): the service principal, its job (with a schedule) and its secrets. */
export class FakeGraph {
  thumbprint: string | null = null;
  jobs: Job[] = [];
  savedToken?: string;
  /** Tokens the connection test accepts; by default whatever the console issued. */
  accepts: (token: string | undefined) => boolean = (token) => Boolean(token);
  /** What provision on demand answers for a user; Success also makes the SCIM user. */
  onDemand: (objectId: string) => OnDemandResult = () => ({ result: 'Success', details: {} });
  readonly writes: string[] = [];
  identifierUris: string[];
  redirectUris: string[];

  constructor(
    private readonly certificates: SigningCertificate[],
    private readonly store: FakeIdentityStore,
    private readonly console: FakeConsole,
    private readonly input: FederationInput,
  ) {
    this.identifierUris = [console.sp.issuer];
    this.redirectUris = [console.sp.acsUrl];
  }

  async getServicePrincipal() {
    // Graph keyCredential: customKeyIdentifier is the thumbprint as Edm.Binary (base64); the public key is the Verify one.
    const endDateTime = new Date(Date.now() + 3 * 365 * DAY_S * 1000).toISOString();
    const keyCredentials = this.certificates.map((c) => ({ customKeyIdentifier: Buffer.from(c.thumbprint, 'hex').toString('base64'), usage: 'Verify', endDateTime }));
    return { appId: this.input.applicationClientId, preferredTokenSigningKeyThumbprint: this.thumbprint, keyCredentials };
  }
  async setPreferredTokenSigningKey(_id: string, thumbprint: string) {
    this.writes.push('setPreferredTokenSigningKey');
    this.thumbprint = thumbprint;
  }
  async getApplication() {
    return { identifierUris: this.identifierUris, web: { redirectUris: this.redirectUris } };
  }
  async federationMetadata() {
    return federationMetadata(TENANT, this.certificates);
  }
  async listSyncJobs() {
    return this.jobs;
  }
  async listSyncTemplates() {
    return [{ id: 'aWSSingleSignon' }];
  }
  /** Graph synchronizationStatus / synchronizationSchedule: a new job is NotConfigured, schedule Disabled. */
  async createSyncJob(_sp: string, templateId: string) {
    this.writes.push('createSyncJob');
    const job: Job = { id: `${templateId}.1.${TENANT}`, templateId, schedule: { state: 'Disabled', interval: 'PT40M' }, status: { code: 'NotConfigured' } };
    this.jobs.push(job);
    return job;
  }
  async getSyncJob(_sp: string, jobId: string) {
    return this.jobs.find((j) => j.id === jobId)!;
  }
  async outboundUserRuleId() {
    return 'rule-1';
  }
  async putSyncSecrets(_sp: string, _endpoint: string, token: Secret) {
    this.writes.push('putSyncSecrets');
    this.savedToken = token.reveal();
  }
  async savedCredentialsWork() {
    const live = [...this.console.tokens.values()].flat().map((t) => `token-${t.tokenId}`);
    return this.accepts(this.savedToken) && live.includes(this.savedToken!);
  }
  async startJob(_sp: string, jobId: string) {
    this.writes.push('startJob');
    const job = this.jobs.find((j) => j.id === jobId)!;
    job.schedule = { ...job.schedule, state: 'Active' };
    job.status = { code: job.status.code === 'NotConfigured' ? 'NotRun' : 'Active' };
  }
  async pauseJob(_sp: string, jobId: string) {
    this.writes.push('pauseJob');
    const job = this.jobs.find((j) => j.id === jobId)!;
    job.schedule = { ...job.schedule, state: 'Paused' };
    job.status = { ...job.status, code: 'Paused' };
  }
  async provisionOnDemand(_sp: string, _job: string, _rule: string, objectId: string) {
    this.writes.push('provisionOnDemand');
    const verdict = this.onDemand(objectId);
    const user = this.input.scimUsers.find((u) => u.objectId === objectId)!;
    if (verdict.result === 'Success') this.store.addUser(user.userPrincipalName, this.console.tenants[0].tenantId);
    return verdict;
  }
}

export interface World {
  readonly input: FederationInput;
  readonly console: FakeConsole;
  readonly graph: FakeGraph;
  readonly store: FakeIdentityStore;
  readonly lines: string[];
  ctx(extra?: Partial<StepContext>): StepContext;
}

/** One instance with NikkiWolf created by hand (guide 2.2) and RichRoe to be provisioned by SCIM. */
export function world(certificates: SigningCertificate[]): World {
  const input: FederationInput = {
    instance: 'aws-commercial',
    awsProfile: 'aws-commercial',
    region: 'us-east-1',
    partition: 'aws',
    instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
    identityStoreId: 'd-1234567890',
    tenantId: TENANT,
    entraEnvironment: 'global',
    applicationClientId: '0c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
    applicationObjectId: '1c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
    servicePrincipalId: '2c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c',
    signingCertificateThumbprint: certificates[0].thumbprint,
    scimUsers: [{ userName: 'RichRoe', objectId: '5c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', userPrincipalName: 'RichRoe@contoso.onmicrosoft.com' }],
    samlUsers: [{ userName: 'NikkiWolf', objectId: '4c0d5a9e-8f4b-4c3e-9f3a-1d2e3f4a5b6c', userPrincipalName: 'NikkiWolf@contoso.onmicrosoft.com' }],
    groups: [],
  };
  const store = new FakeIdentityStore();
  store.addUser(input.samlUsers[0].userPrincipalName);
  const console = new FakeConsole();
  const graph = new FakeGraph(certificates, store, console, input);
  const lines: string[] = [];
  return {
    input,
    console,
    graph,
    store,
    lines,
    ctx: (extra = {}) => ({
      input,
      identityStore: store as unknown as IdentitystoreClient,
      console,
      // The steps call Graph through its members (scripts/clients/graph.ts); FakeGraph answers for the two they use.
      graph: { directory: graph, synchronization: graph } as unknown as GraphApi,
      log: (line) => lines.push(line),
      notes: {},
      ...extra,
    }),
  };
}
