import { FaultLedger } from '../faults';
import { MotoServer } from '../moto-server';
import { AppsAuth } from './apps-auth';
import { Gateway, RequestLog } from './gateway';
import { AccountAssignmentRequests } from './account-assignments';
import { identityStoreService, Overlays } from './identity-store';
import { ProvisioningTenants } from './provisioning';
import { SamlAcs } from './saml-acs';
import { ScimServer } from './scim';
import { ssoAdminExtensions } from './sso-admin';
import { AccountStatusField, organizationsService } from './organizations';

/** What the emulator holds beyond moto, for "nothing left behind" checks. */
export interface EmulatorLeftovers {
  readonly provisioningTenants: number;
  readonly bearerTokens: number;
  readonly scimObjects: number;
  readonly externalIdps: number;
}

/**
 * The local AWS: moto (public APIs) behind a gateway that adds exactly what moto lacks for this
 * product. `endpoint` is what AWS_ENDPOINT_URL should be; `stop()` ends both processes.
 */
export class AwsEmulator {
  private constructor(
    readonly endpoint: string,
    readonly moto: MotoServer,
    private readonly gateway: Gateway,
    readonly provisioning: ProvisioningTenants,
    readonly appsAuth: AppsAuth,
    readonly scim: ScimServer,
    /** Account assignment requests and the sso-admin limits (tests may lift them). */
    readonly assignments: AccountAssignmentRequests,
    private readonly organizations: { statusField: AccountStatusField },
  ) {}

  static async start(options: { port?: number; accountStatusField?: AccountStatusField } = {}): Promise<AwsEmulator> {
    const moto = await MotoServer.start();
    try {
      let endpoint = '';
      const overlays: Overlays = { users: new Map(), groups: new Map() };
      const assignments = new AccountAssignmentRequests();
      const provisioning = new ProvisioningTenants(() => endpoint);
      const appsAuth = new AppsAuth();
      const scim = new ScimServer(provisioning, overlays, moto.endpoint);
      provisioning.onTenantDeleted = (tenantId) => scim.forgetTenant(tenantId);
      const forget = {
        user: (userId: string) => scim.forgetUser(userId),
        group: (groupId: string) => scim.forgetGroup(groupId),
        membershipCreated: (groupId: string, userId: string, membershipId: string) => scim.membershipCreated(groupId, userId, membershipId),
        membershipDeleted: (membershipId: string) => scim.membershipDeleted(membershipId),
      };
      const organizations = { statusField: options.accountStatusField ?? 'retired' };
      const services = [
        ssoAdminExtensions(assignments, moto.endpoint),
        identityStoreService(overlays, forget, moto.endpoint),
        provisioning.service(),
        appsAuth.service(),
        organizationsService(() => organizations.statusField),
      ];
      const gateway = new Gateway(moto.endpoint, services, scim, new SamlAcs(appsAuth, moto.endpoint));
      endpoint = await gateway.listen(options.port);
      return new AwsEmulator(endpoint, moto, gateway, provisioning, appsAuth, scim, assignments, organizations);
    } catch (error) {
      await moto.stop();
      throw error;
    }
  }

  get requests(): RequestLog {
    return this.gateway.log;
  }

  /** Faults to inject on chosen requests, and what their callers did next. */
  get faults(): FaultLedger {
    return this.gateway.faults;
  }

  /** Whether Organizations still returns the account's retired `Status` beside `State` (local/emulators/aws/organizations.ts). */
  answerAccountStatus(field: AccountStatusField): void {
    this.organizations.statusField = field;
  }

  leftovers(): EmulatorLeftovers {
    return {
      provisioningTenants: this.provisioning.tenants.size,
      bearerTokens: this.provisioning.tokenCount(),
      scimObjects: this.scim.objectCount(),
      externalIdps: this.appsAuth.idps.size,
    };
  }

  async stop(): Promise<void> {
    await this.gateway.close();
    await this.moto.stop();
  }
}
