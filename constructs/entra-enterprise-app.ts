import { Construct } from 'constructs';
import { Fn, TerraformIterator, Token } from 'cdktf';
import { Application } from '@cdktf/provider-azuread/lib/application';
import { ApplicationIdentifierUri } from '@cdktf/provider-azuread/lib/application-identifier-uri';
import { ApplicationRedirectUris } from '@cdktf/provider-azuread/lib/application-redirect-uris';
import { ServicePrincipal } from '@cdktf/provider-azuread/lib/service-principal';
import { ServicePrincipalTokenSigningCertificate } from '@cdktf/provider-azuread/lib/service-principal-token-signing-certificate';
import { ClaimsMappingPolicy } from '@cdktf/provider-azuread/lib/claims-mapping-policy';
import { ServicePrincipalClaimsMappingPolicyAssignment } from '@cdktf/provider-azuread/lib/service-principal-claims-mapping-policy-assignment';
import { AppRoleAssignment } from '@cdktf/provider-azuread/lib/app-role-assignment';
import { EntraConfig } from '../app-config/schema';
import { InstanceSamlValues } from '../app-config/context';
import { EntraGroup } from './entra-group';
import { EntraTestUser } from './entra-test-user';
import { enterpriseAppDisplayName } from '../app-config/entra-names';
import { literal } from './literal';

const NAME_IDENTIFIER_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier';

export interface EntraEnterpriseAppProps {
  /** The AWS instance this app signs in to ("aws-commercial"). */
  readonly instanceName: string;
  readonly templateId: string;
  /** Guide step 3.1 values, from the federation context file. */
  readonly saml: InstanceSamlValues;
  readonly abacClaim: EntraConfig['abacClaim'];
  readonly assignedUsers: EntraTestUser[];
  /** Groups assigned with the same role: provisioning scope "assigned users and groups" reaches their direct members. */
  readonly assignedGroups: EntraGroup[];
}

/**
 * The gallery enterprise app "AWS IAM Identity Center" for one AWS instance (guide 1.1, 1.4, 3.2, 5).
 * Facts: Microsoft Graph concept page application-saml-sso-configure-api (template instantiation, SAML fields, claims mapping).
 */
export class EntraEnterpriseApp extends Construct {
  readonly clientId: string;
  readonly applicationObjectId: string;
  readonly servicePrincipalId: string;
  readonly signingCertificateThumbprint: string;

  constructor(scope: Construct, id: string, props: EntraEnterpriseAppProps) {
    super(scope, id);
    const displayName = enterpriseAppDisplayName(props.instanceName);
    const application = new Application(this, 'application', {
      displayName,
      templateId: props.templateId,
      featureTags: [{ enterprise: true, gallery: true }],
      lifecycle: {
        ignoreChanges: [
          // Instantiating the template gives the app its roles (User, msiam_access). The provider's Read
          // writes them into `app_role`, which is optional and not computed (application_resource.go),
          // so without this every later plan would disable and remove them.
          'app_role',
          // Set by the resources below, after SAML mode, as the provider's docs for
          // azuread_application_identifier_uri instruct; `web` also holds the template's home page URL.
          'identifier_uris',
          'web',
        ],
      },
    });
    // Instantiating the template already made the service principal; adopt it.
    const servicePrincipal = new ServicePrincipal(this, 'service_principal', {
      clientId: application.clientId,
      useExisting: true,
      preferredSingleSignOnMode: 'saml',
      loginUrl: props.saml.accessPortalUrl,
      appRoleAssignmentRequired: true,
      featureTags: [{ enterprise: true, gallery: true }],
    });
    this.setSamlUrls(application, servicePrincipal, props.saml);
    const certificate = new ServicePrincipalTokenSigningCertificate(this, 'signing_certificate', {
      servicePrincipalId: servicePrincipal.id,
      displayName: `CN=${displayName}`,
    });
    // Once assigned, the policy replaces the portal's claims: keep the basic set, map NameID from the
    // UPN as Microsoft's SAML tutorial for this app does (Graph concept page
    // application-saml-sso-configure-api.md), and add ABAC.
    const claims = new ClaimsMappingPolicy(this, 'abac_claims', {
      displayName: `${displayName} ABAC claims`,
      definition: [
        literal(JSON.stringify({
          ClaimsMappingPolicy: {
            Version: 1,
            IncludeBasicClaimSet: 'true',
            ClaimsSchema: [
              { Source: 'user', ID: 'userprincipalname', SamlClaimType: NAME_IDENTIFIER_CLAIM },
              { Source: 'user', ID: props.abacClaim.source, SamlClaimType: props.abacClaim.name },
            ],
          },
        })),
      ],
    });
    new ServicePrincipalClaimsMappingPolicyAssignment(this, 'abac_claims_assignment', {
      servicePrincipalId: servicePrincipal.id,
      claimsMappingPolicyId: claims.id,
    });
    const userRoleId = appRoleIdByDisplayName(servicePrincipal, 'User');
    // Keyed by name, never by position: a new user or group adds one assignment.
    const principals = [
      ...props.assignedUsers.map((user) => [`assign_${user.userName}`, user.objectId]),
      ...props.assignedGroups.map((group) => [`assign_group_${group.displayName}`, group.objectId]),
    ];
    for (const [id, principalObjectId] of principals) {
      new AppRoleAssignment(this, id, { appRoleId: userRoleId, principalObjectId, resourceObjectId: servicePrincipal.objectId });
    }
    this.clientId = application.clientId;
    this.applicationObjectId = application.objectId;
    this.servicePrincipalId = servicePrincipal.objectId;
    this.signingCertificateThumbprint = certificate.thumbprint;
  }

  /**
   * Identifier (entity id) and reply URL on AWS hosts are refused with HostNameNotOnVerifiedDomain
   * unless the app is a SAML app (Microsoft's breaking change on identifier URIs of non-verified
   * domains; provider issues #797, #1392), so they wait for the service principal's SAML mode.
   * On destroy the same dependency removes them first, which is also what lets Graph delete the SAML
   * app afterwards (DeletingSamlSpNotAllowed otherwise; workaround in provider issue #1388).
   */
  private setSamlUrls(application: Application, servicePrincipal: ServicePrincipal, saml: InstanceSamlValues): void {
    new ApplicationIdentifierUri(this, 'identifier_uri', {
      applicationId: application.id,
      identifierUri: saml.issuer,
      dependsOn: [servicePrincipal],
    });
    new ApplicationRedirectUris(this, 'redirect_uris', {
      applicationId: application.id,
      type: 'Web',
      redirectUris: [saml.acsUrl],
      dependsOn: [servicePrincipal],
    });
  }
}

/**
 * The id of the service principal's app role with this display name. Not `app_role_ids[…]`: the
 * template's roles have `"value": null` (Graph concept page application-saml-sso-configure-api.md),
 * and the provider's map skips roles without a value (FlattenAppRoleIDs in
 * internal/helpers/applications/applications.go; provider issue #813).
 */
function appRoleIdByDisplayName(servicePrincipal: ServicePrincipal, displayName: string): string {
  const matching = TerraformIterator.fromList(servicePrincipal.appRoles).forExpressionForList(`val.id if val.display_name == ${JSON.stringify(displayName)}`);
  return Token.asString(Fn.one(Token.asList(matching)));
}
