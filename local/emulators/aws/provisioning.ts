import { randomBytes, randomUUID } from 'node:crypto';
import { JsonService } from './json-service';
import { AwsError, conflict, invalid, notFound, partitionOf } from './protocol';

export interface ProvisioningTenant {
  readonly TenantId: string;
  readonly IdentityStoreId: string;
  readonly ScimEndpoint: string;
  readonly CreationTime: number;
  readonly region: string;
}

interface BearerToken {
  readonly TokenId: string;
  readonly Token: string;
  readonly CreationTime: number;
  readonly ExpirationTime: number;
}

// At most two tokens per tenant (IAM Identity Center user guide, "Rotate an access token"); the model's
// error for a request past a limit is LimitExceededException (identitystoreinternal-2019-11-01).
const MAX_TOKENS = 2;
const TOKEN_LIFETIME_S = 365 * 24 * 3600;
const publicTenant = ({ region, ...tenant }: ProvisioningTenant) => tenant;

/**
 * Automatic provisioning (guide step 4.2): the console-only provisioning tenant and bearer token
 * operations on the identity store service (the service models the console ships (Frichetten/aws-api-models, identitystoreinternal-2019-11-01 and appsauth-control-2018-10-25)), with its limits:
 * at most two tokens per tenant, and a token's value shown only in the answer that creates it.
 */
export class ProvisioningTenants {
  readonly tenants = new Map<string, ProvisioningTenant>();
  private readonly tokens = new Map<string, BearerToken[]>();
  /** Every token value ever issued, deleted ones included: what the rehearsal's secret scan looks for. */
  readonly issuedTokenValues: string[] = [];

  /** Called when a tenant is deleted, so what SCIM knew of it goes too. */
  onTenantDeleted: (tenantId: string) => void = () => undefined;

  constructor(private readonly scimBaseUrl: () => string) {}

  /** The tenant a SCIM request's bearer token belongs to, or undefined when it is unknown or expired. */
  authorize(tenantId: string, token: string | undefined): ProvisioningTenant | undefined {
    const now = Date.now() / 1000;
    const valid = (this.tokens.get(tenantId) ?? []).some((t) => t.Token === token && t.ExpirationTime > now);
    return valid ? this.tenants.get(tenantId) : undefined;
  }

  tokenCount(): number {
    return [...this.tokens.values()].reduce((sum, list) => sum + list.length, 0);
  }

  private tenant(identityStoreId: string, tenantId: string): ProvisioningTenant {
    const tenant = this.tenants.get(tenantId);
    if (!tenant || tenant.IdentityStoreId !== identityStoreId) throw notFound(`Provisioning tenant ${tenantId} not found`);
    return tenant;
  }

  service(): JsonService {
    const required = (body: any, ...names: string[]) =>
      names.forEach((name) => {
        if (!body[name]) throw invalid(`${name} is required`);
      });
    return {
      name: 'identitystore-provisioning',
      targetPrefix: 'AWSIdentityStoreService',
      signingName: 'identitystore',
      jsonVersion: '1.1',
      consoleOnly: true,
      operations: {
        CreateProvisioningTenant: ({ body, scope }) => {
          required(body, 'IdentityStoreId');
          if ([...this.tenants.values()].some((t) => t.IdentityStoreId === body.IdentityStoreId)) {
            throw conflict(`Identity store ${body.IdentityStoreId} already has a provisioning tenant`);
          }
          const TenantId = newTenantId();
          const tenant: ProvisioningTenant = {
            TenantId,
            IdentityStoreId: body.IdentityStoreId,
            ScimEndpoint: scimEndpoint(this.scimBaseUrl(), TenantId),
            CreationTime: Date.now() / 1000,
            region: scope.region,
          };
          this.tenants.set(TenantId, tenant);
          this.tokens.set(TenantId, []);
          return { ProvisioningTenant: publicTenant(tenant) };
        },
        DescribeProvisioningTenant: ({ body }) => {
          required(body, 'IdentityStoreId', 'TenantId');
          return { ProvisioningTenant: publicTenant(this.tenant(body.IdentityStoreId, body.TenantId)) };
        },
        ListProvisioningTenants: ({ body }) => {
          required(body, 'IdentityStoreId');
          return { ProvisioningTenants: [...this.tenants.values()].filter((t) => t.IdentityStoreId === body.IdentityStoreId).map(publicTenant) };
        },
        DeleteProvisioningTenant: ({ body }) => {
          required(body, 'IdentityStoreId', 'TenantId');
          this.tenant(body.IdentityStoreId, body.TenantId);
          this.tenants.delete(body.TenantId);
          this.tokens.delete(body.TenantId);
          this.onTenantDeleted(body.TenantId);
          return {};
        },
        CreateBearerToken: ({ body }) => {
          required(body, 'IdentityStoreId', 'TenantId');
          this.tenant(body.IdentityStoreId, body.TenantId);
          const list = this.tokens.get(body.TenantId)!;
          if (list.length >= MAX_TOKENS) {
            throw new AwsError(400, 'LimitExceededException', `A provisioning tenant can have at most ${MAX_TOKENS} bearer tokens`);
          }
          const now = Math.floor(Date.now() / 1000);
          const token: BearerToken = { TokenId: randomUUID(), Token: randomBytes(96).toString('base64'), CreationTime: now, ExpirationTime: now + TOKEN_LIFETIME_S };
          list.push(token);
          this.issuedTokenValues.push(token.Token);
          return { BearerToken: token };
        },
        ListBearerTokens: ({ body }) => {
          required(body, 'IdentityStoreId', 'TenantId');
          this.tenant(body.IdentityStoreId, body.TenantId);
          return { BearerTokens: this.tokens.get(body.TenantId)!.map(({ Token, ...listed }) => listed) };
        },
        DeleteBearerToken: ({ body }) => {
          required(body, 'IdentityStoreId', 'TenantId', 'TokenId');
          this.tenant(body.IdentityStoreId, body.TenantId);
          const list = this.tokens.get(body.TenantId)!;
          const index = list.findIndex((t) => t.TokenId === body.TokenId);
          if (index < 0) throw notFound(`Bearer token ${body.TokenId} not found`);
          list.splice(index, 1);
          return {};
        },
      },
    };
  }
}

/**
 * A tenant id of the model's form (identitystoreinternal-2019-11-01, shape TenantId:
 * `[A-Za-z0-9]{3}[A-Fa-f0-9]{8}-…` — eleven characters, then the rest of a UUID), as in the user guide's
 * example endpoint `…/11111111111-2222-3333-4444-555555555555/scim/v2` ("Enable automatic provisioning").
 */
function newTenantId(): string {
  return `${randomBytes(2).toString('hex').slice(0, 3)}${randomUUID()}`;
}

/**
 * The SCIM endpoint of a tenant, with the trailing slash the console shows and AWS re:Post gives as its
 * format ("https://scim.YOUR-REGION.amazonaws.com/YOUR-TENANT-ID/scim/v2/", knowledge-center article
 * "iam-identity-center-provision"); the user guide's example has none, so a client must join paths to
 * either form. unverified: that ScimEndpoint in the API answer has the slash, as the console shows it.
 */
function scimEndpoint(base: string, tenantId: string): string {
  return `${base}/${tenantId}/scim/v2/`;
}

/** The issuer Identity Center writes into the ExternalIds of users that SCIM created (unverified: the form seen, listed in docs/verification.md). */
export function scimIssuer(tenant: ProvisioningTenant): string {
  return `arn:${partitionOf(tenant.region)}:identitystore:::provisioningtenant/${tenant.TenantId}`;
}
