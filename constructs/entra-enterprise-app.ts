import { Construct } from 'constructs';
import { Application } from '@cdktf/provider-azuread/lib/application';
import { ServicePrincipal } from '@cdktf/provider-azuread/lib/service-principal';
import { ServicePrincipalTokenSigningCertificate } from '@cdktf/provider-azuread/lib/service-principal-token-signing-certificate';
import { ClaimsMappingPolicy } from '@cdktf/provider-azuread/lib/claims-mapping-policy';
import { ServicePrincipalClaimsMappingPolicyAssignment } from '@cdktf/provider-azuread/lib/service-principal-claims-mapping-policy-assignment';
import { AppRoleAssignment } from '@cdktf/provider-azuread/lib/app-role-assignment';
import { EntraConfig } from '../config-schema';
import { InstanceSamlValues } from '../federation-context';
import { EntraTestUser } from './entra-test-user';

export interface EntraEnterpriseAppProps {
  /** The AWS instance this app signs in to ("aws-commercial"). */
  readonly instanceName: string;
  readonly templateId: string;
  /** Guide step 3.1 values, from the federation context file. */
  readonly saml: InstanceSamlValues;
  readonly abacClaim: EntraConfig['abacClaim'];
  readonly assignedUsers: EntraTestUser[];
}

/**
 * The gallery enterprise app "AWS IAM Identity Center" for one AWS instance (guide 1.1, 1.4, 3.2, 5).
 * Facts: reference/entra-graph.md (template instantiation, SAML fields, claims mapping).
 */
export class EntraEnterpriseApp extends Construct {
  readonly clientId: string;
  readonly applicationObjectId: string;
  readonly servicePrincipalId: string;
  readonly signingCertificateThumbprint: string;

  constructor(scope: Construct, id: string, props: EntraEnterpriseAppProps) {
    super(scope, id);
    const displayName = `AWS IAM Identity Center (${props.instanceName})`;
    const application = new Application(this, 'application', {
      displayName,
      templateId: props.templateId,
      identifierUris: [props.saml.issuer],
      web: { redirectUris: [props.saml.acsUrl] },
      featureTags: [{ enterprise: true, gallery: true }],
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
    const certificate = new ServicePrincipalTokenSigningCertificate(this, 'signing_certificate', {
      servicePrincipalId: servicePrincipal.id,
      displayName: `CN=${displayName}`,
    });
    // Once assigned, the policy replaces the portal's claims: keep the basic set, add ABAC.
    const claims = new ClaimsMappingPolicy(this, 'abac_claims', {
      displayName: `${displayName} ABAC claims`,
      definition: [
        JSON.stringify({
          ClaimsMappingPolicy: {
            Version: 1,
            IncludeBasicClaimSet: 'true',
            ClaimsSchema: [{ Source: 'user', ID: props.abacClaim.source, SamlClaimType: props.abacClaim.name }],
          },
        }),
      ],
    });
    new ServicePrincipalClaimsMappingPolicyAssignment(this, 'abac_claims_assignment', {
      servicePrincipalId: servicePrincipal.id,
      claimsMappingPolicyId: claims.id,
    });
    for (const user of props.assignedUsers) {
      new AppRoleAssignment(this, `assign_${user.userName}`, {
        appRoleId: servicePrincipal.appRoleIds.lookup('User'),
        principalObjectId: user.objectId,
        resourceObjectId: servicePrincipal.objectId,
      });
    }
    this.clientId = application.clientId;
    this.applicationObjectId = application.objectId;
    this.servicePrincipalId = servicePrincipal.objectId;
    this.signingCertificateThumbprint = certificate.thumbprint;
  }
}
