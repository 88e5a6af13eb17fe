import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';
import { AzureadProvider } from '@cdktf/provider-azuread/lib/provider';
import { DataAzureadClientConfig } from '@cdktf/provider-azuread/lib/data-azuread-client-config';
import { DataAzureadApplicationTemplate } from '@cdktf/provider-azuread/lib/data-azuread-application-template';
import { AppConfig, INSTANCE_NAMES } from '../app-config/schema';
import { FederationContext } from '../app-config/context';
import { AwsPartitionProvider } from '../constructs/aws-partition-provider';
import { IdentityCenterInstance } from '../constructs/identity-center-instance';
import { EntraTestUser } from '../constructs/entra-test-user';
import { EntraGroup } from '../constructs/entra-group';
import { EntraPim } from '../constructs/entra-pim';
import { EntraEnterpriseApp } from '../constructs/entra-enterprise-app';
import { FederationLink } from '../constructs/federation-link';
import { EntraJitClient } from '../constructs/entra-jit-client';
import { JIT_APP_NAME } from '../app-model/jit';
import { entraUsers as usersReached } from '../app-config/entra-names';
import { literal } from '../constructs/literal';

export interface EntraStackProps {
  readonly config: AppConfig;
  readonly context: FederationContext;
  readonly projectRoot: string;
}

/** The Entra tenant (azure-identity-provider, "azure-id"): apps, users, claims and the federation links. */
export class EntraStack extends TerraformStack {
  constructor(scope: Construct, name: string, props: EntraStackProps) {
    super(scope, name);
    const { config, context } = props;
    new AzureadProvider(this, 'azuread', { environment: config.entra.environment });
    const client = new DataAzureadClientConfig(this, 'tenant');
    // One source for the domain: the context file (lookup reads the tenant's default domain), which
    // the AWS stacks use too for the user names in Identity Center, so the SAML NameID matches.
    const domain = context.entra.defaultDomain;
    const template = new DataAzureadApplicationTemplate(this, 'gallery_template', { displayName: literal(config.entra.galleryTemplateName) });

    // Every user the apps reach (app-config/schema.ts checks the names).
    const entraUsers = usersReached(config).map((user) => new EntraTestUser(this, user.userName, { user, domain }));
    const users = entraUsers.filter((user) => config.entra.assignedUsers.includes(user.userName));
    // A privileged group is role-assignable, so that only Privileged Role Administrators and its owners, not
    // every Groups or User Administrator, can change its membership around PIM (constructs/entra-group.ts).
    const privilegedNames = new Set(config.pim.privilegedGroups.map((privileged) => privileged.group));
    const groups = config.groups.map((group) => new EntraGroup(this, `group_${group.displayName}`, { group, members: entraUsers.filter((user) => group.members.includes(user.userName)), assignableToRole: privilegedNames.has(group.displayName) }));
    const assignedGroups = groups.filter((group) => config.entra.assignedGroups.includes(group.displayName));
    const usersNamed = (names: string[]) => entraUsers.filter((user) => names.includes(user.userName));
    const groupsNamed = (names: string[]) => groups.filter((group) => names.includes(group.displayName));
    for (const privileged of config.pim.privilegedGroups) {
      const { users: approverUsers, groups: approverGroups } = privileged.activation.approvers;
      new EntraPim(this, `pim_${privileged.group}`, {
        privileged,
        group: groupsNamed([privileged.group])[0],
        eligible: usersNamed(privileged.eligibleUsers),
        approverUsers: usersNamed(approverUsers),
        approverGroups: groupsNamed(approverGroups),
      });
    }
    // The app npm run elevate and revoke sign in through; its client id reaches them in the deploy record.
    const jitClient = new EntraJitClient(this, 'jit_client', { displayName: JIT_APP_NAME });
    const describe = (user: EntraTestUser) => ({ userName: user.userName, objectId: user.objectId, userPrincipalName: user.userPrincipalName });
    // What the provision-groups step provisions and checks: the Entra object id ties the AWS group to this one.
    const describeGroup = (group: EntraGroup) => ({ displayName: literal(group.displayName), objectId: group.objectId, members: group.members.map(describe) });

    for (const instanceName of INSTANCE_NAMES) {
      const awsInstance = config.aws[instanceName];
      // The AWS values are read here through an aliased provider per partition rather than by
      // CDKTF cross-stack references: those read the other stack's state, which across partitions
      // needs that partition's credentials and backend (docs/decisions/0006-no-state-reads-across-partitions.md). This stack's federation
      // scripts need both profiles anyway, and the data sources read Identity Center itself.
      const { provider } = new AwsPartitionProvider(this, `${instanceName}_provider`, { instance: awsInstance, alias: instanceName });
      const identityCenter = new IdentityCenterInstance(this, `${instanceName}_instance`, { instanceName, provider });
      const app = new EntraEnterpriseApp(this, `${instanceName}_app`, {
        instanceName,
        templateId: template.templateId,
        saml: context.instances[instanceName],
        abacClaim: config.entra.abacClaim,
        assignedUsers: users,
        assignedGroups,
      });
      new FederationLink(this, `${instanceName}_federation`, {
        projectRoot: props.projectRoot,
        input: {
          instance: instanceName,
          awsProfile: literal(awsInstance.profile),
          region: identityCenter.region,
          partition: identityCenter.partition,
          instanceArn: identityCenter.instanceArn,
          identityStoreId: identityCenter.identityStoreId,
          tenantId: client.tenantId,
          entraEnvironment: config.entra.environment,
          applicationClientId: app.clientId,
          applicationObjectId: app.applicationObjectId,
          servicePrincipalId: app.servicePrincipalId,
          signingCertificateThumbprint: app.signingCertificateThumbprint,
          scimUsers: users.filter((u) => !config.identityCenter.users.includes(u.userName)).map(describe),
          samlUsers: users.filter((u) => config.identityCenter.users.includes(u.userName)).map(describe),
          groups: assignedGroups.map(describeGroup),
          jitClientId: jitClient.clientId,
        },
      });
    }
  }
}
