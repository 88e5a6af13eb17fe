import { IdentitystoreClient, ListUsersCommand } from '@aws-sdk/client-identitystore';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { AppsAuth } from './apps-auth';

export interface SignInResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * The ACS endpoint of an instance (guide steps 1.3 and 3.4, automated): validates a SAML response
 * with a real SAML library against what the federation step uploaded (IdP issuer and certificates)
 * and the SP values (audience, ACS URL), within its validity window, then finds the user by NameID.
 */
export class SamlAcs {
  constructor(
    private readonly appsAuth: AppsAuth,
    private readonly motoEndpoint: string,
  ) {}

  async signIn(acsId: string, samlResponse: string): Promise<SignInResult> {
    const directory = this.appsAuth.directoryOfAcs(acsId);
    if (!directory) return { status: 404, body: { error: 'No instance has this ACS URL' } };
    const idp = this.appsAuth.idps.get(directory.directoryId);
    if (!idp?.isEnabled) return { status: 403, body: { error: 'The identity source is not an external identity provider' } };
    const sp = this.appsAuth.spConfig(directory.directoryId, directory.region);
    const saml = new SAML({
      callbackUrl: sp.acsURL,
      issuer: sp.issuer,
      audience: sp.issuer,
      idpIssuer: idp.idpSAMLConfig.entityId,
      idpCert: idp.certificates.map((c) => c.x509CertificateInPEM),
      wantAssertionsSigned: true,
      wantAuthnResponseSigned: false,
      validateInResponseTo: ValidateInResponseTo.never,
      acceptedClockSkewMs: 1000,
    });
    let profile;
    try {
      ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: samlResponse }));
    } catch (error) {
      return { status: 403, body: { error: `SAML response rejected: ${(error as Error).message}` } };
    }
    if (!profile) return { status: 403, body: { error: 'SAML response carries no assertion' } };
    const client = new IdentitystoreClient({ endpoint: this.motoEndpoint, region: directory.region, credentials: { accessKeyId: 'AKIAEMULATORACS', secretAccessKey: 'emulator' } });
    const { Users } = await client.send(new ListUsersCommand({ IdentityStoreId: directory.directoryId, Filters: [{ AttributePath: 'UserName', AttributeValue: profile.nameID }] }));
    client.destroy();
    if (!Users?.length) return { status: 403, body: { error: `No user ${profile.nameID} in the identity store` } };
    const attributes = Object.fromEntries(
      Object.entries(profile.attributes ?? {})
        .filter(([name]) => name.startsWith('https://aws.amazon.com/SAML/Attributes/AccessControl:'))
        .map(([name, value]) => [name.split(':').pop(), value]),
    );
    return { status: 200, body: { userName: profile.nameID, userId: Users[0].UserId, sessionTags: attributes } };
  }
}
