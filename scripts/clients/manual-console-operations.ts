/**
 * The manual fallback for the undocumented console operations: for each, the exact console steps,
 * and the result read back from the operator (a token without echo). Chosen with --manual.
 */
import { randomUUID, X509Certificate } from 'node:crypto';
import { toPem } from '../saml-metadata';
import { Secret } from '../secret';
import { BearerTokenInfo, ConsoleOperations, ExternalIdp, ProvisioningTenant, SpSamlConfig } from './console-operations';
import { OperatorPrompt } from './operator-prompt';

const SETTINGS = 'IAM Identity Center console → Settings → Identity source';
const YEAR_S = 365 * 24 * 3600;
const PEM_END = /-----END CERTIFICATE-----/;

/**
 * A certificate as the operator pastes it, in any line layout: a PEM over many lines (read until
 * its END line), a PEM on one line, or bare base64. Returned as a PEM with 64-character lines.
 */
export async function askCertificate(prompt: OperatorPrompt, question: string): Promise<string> {
  let pasted = await prompt.ask(question);
  while (/-----BEGIN CERTIFICATE-----/.test(pasted) && !PEM_END.test(pasted)) pasted += `\n${await prompt.ask('')}`;
  const pem = toPem(pasted.replace(/-----(BEGIN|END) CERTIFICATE-----/g, ''));
  try {
    new X509Certificate(pem);
  } catch {
    throw new Error('That is not a certificate: paste the PEM (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----) or its base64');
  }
  return pem;
}

/** The tenant id is the first path segment of the SCIM endpoint (https://scim.<region>.amazonaws.com/<tenant id>/scim/v2/). */
export function tenantOfEndpoint(scimEndpoint: string): string {
  const tenantId = /^https?:\/\/[^/]+\/([^/]+)\/scim\/v2\/?$/.exec(scimEndpoint.trim())?.[1];
  if (!tenantId) throw new Error(`${scimEndpoint} is not a SCIM endpoint of the form https://scim.<region>.amazonaws.com/<tenant id>/scim/v2/: copy it again from the console`);
  return tenantId;
}

/** The tenant the console shows, with the id its endpoint carries (SCIM issuers name it). */
const tenantAt = (scimEndpoint: string): ProvisioningTenant => ({ tenantId: tenantOfEndpoint(scimEndpoint), scimEndpoint: scimEndpoint.trim() });

export class ManualConsoleOperations implements ConsoleOperations {
  constructor(
    private readonly prompt: OperatorPrompt,
    private readonly where: string,
  ) {}

  private steps(title: string, ...lines: string[]): void {
    this.prompt.say(`\n[${this.where}] ${title}\n${lines.map((line, i) => `  ${i + 1}. ${line}`).join('\n')}`);
  }

  private async yes(question: string): Promise<boolean> {
    return /^y/i.test(await this.prompt.ask(`${question} [y/n] `));
  }

  async getSpSamlConfig(): Promise<SpSamlConfig> {
    this.steps('Read the service provider values (guide step 3.1)', `${SETTINGS} → Actions → Change identity source → External identity provider → Next`, 'Under "Service provider metadata" choose "If you don\'t have a metadata file, you can manually type your metadata values"');
    return { issuer: await this.prompt.ask('IAM Identity Center issuer URL: '), acsUrl: await this.prompt.ask('IAM Identity Center Assertion Consumer Service (ACS) URL: ') };
  }

  async getExternalIdp(): Promise<ExternalIdp | undefined> {
    this.steps('Read the identity source', `${SETTINGS}: look at "Identity source"`);
    if (!(await this.yes('Is it "External identity provider"?'))) return undefined;
    this.steps('Read the IdP values', `${SETTINGS} → Actions → Manage authentication → Identity provider metadata`);
    return {
      idpId: 'console',
      isEnabled: true,
      entityId: await this.prompt.ask('IdP issuer URL: '),
      loginUrl: await this.prompt.ask('IdP sign-in URL: '),
      certificates: [{ certificateId: 'console', pem: await askCertificate(this.prompt, 'IdP certificate (paste the PEM, any line layout): ') }],
    };
  }

  async createExternalIdp(_directoryId: string, metadataXml: string): Promise<string> {
    this.steps(
      'Switch the identity source to Entra ID (guide step 3.3)',
      'Save the federation metadata printed below as entra-metadata.xml',
      `${SETTINGS} → Actions → Change identity source → External identity provider → Next`,
      'Under "Identity provider metadata" choose "IdP SAML metadata" and upload entra-metadata.xml → Next',
      'Type ACCEPT and choose "Change identity source"',
    );
    this.prompt.say(metadataXml);
    await this.prompt.ask('Press Enter when the console shows the external identity provider: ');
    return 'console';
  }

  async enableExternalIdp(): Promise<void> {
    // The console enables the identity provider as part of "Change identity source".
  }

  async updateExternalIdp(_d: string, _i: string, config: { entityId: string; loginUrl: string }): Promise<void> {
    this.steps('Update the IdP values', `${SETTINGS} → Actions → Manage authentication → Edit identity provider metadata`, `IdP issuer URL: ${config.entityId}`, `IdP sign-in URL: ${config.loginUrl}`, 'Save');
    await this.prompt.ask('Press Enter when saved: ');
  }

  async importIdpCertificate(_d: string, _i: string, pem: string): Promise<void> {
    this.steps('Add the IdP certificate', `${SETTINGS} → Actions → Manage authentication → Manage certificates → Import certificate`, 'Paste the certificate printed below');
    this.prompt.say(pem);
    await this.prompt.ask('Press Enter when imported: ');
  }

  async deleteIdpCertificate(): Promise<void> {
    this.steps('Remove the old IdP certificate', `${SETTINGS} → Actions → Manage authentication → Manage certificates`, 'Delete every certificate except the one just imported');
    await this.prompt.ask('Press Enter when done: ');
  }

  async removeExternalIdp(): Promise<void> {
    this.steps('Return to the Identity Center directory', `${SETTINGS} → Actions → Change identity source → Identity Center directory → Next`, 'Type ACCEPT and choose "Change identity source"');
    await this.prompt.ask('Press Enter when the identity source is "Identity Center directory": ');
  }

  async listProvisioningTenants(): Promise<ProvisioningTenant[]> {
    this.steps('Read the provisioning method', `${SETTINGS}: look at "Provisioning method"`);
    if (!(await this.yes('Is it "SCIM" (automatic provisioning enabled)?'))) return [];
    return [tenantAt(await this.prompt.ask('SCIM endpoint (Actions → Manage provisioning): '))];
  }

  async createProvisioningTenant(): Promise<ProvisioningTenant> {
    this.steps('Enable automatic provisioning (guide step 4.2)', `${SETTINGS} → Automatic provisioning → Enable`, 'Copy the SCIM endpoint; keep the dialog open for the token');
    return tenantAt(await this.prompt.ask('SCIM endpoint: '));
  }

  async deleteProvisioningTenant(): Promise<void> {
    this.steps('Disable automatic provisioning', `${SETTINGS} → Actions → Manage provisioning → Automatic provisioning → Disable`);
    await this.prompt.ask('Press Enter when the provisioning method is "Manual": ');
  }

  async listBearerTokens(): Promise<BearerTokenInfo[]> {
    this.steps('Count the SCIM access tokens', `${SETTINGS} → Actions → Manage provisioning → Access tokens`);
    const count = Number(await this.prompt.ask('How many access tokens are listed? '));
    return Array.from({ length: Number.isFinite(count) ? count : 0 }, (_, i) => ({ tokenId: `console-${i + 1}`, creationTime: 0, expirationTime: YEAR_S }));
  }

  async createBearerToken(): Promise<{ info: BearerTokenInfo; token: Secret }> {
    this.steps('Generate a SCIM access token', `${SETTINGS} → Actions → Manage provisioning → Generate token`, 'Choose "Show token" and copy it (it is shown once)');
    const token = new Secret(await this.prompt.askSecret('Access token (not echoed): '));
    const now = Math.floor(Date.now() / 1000);
    return { info: { tokenId: randomUUID(), creationTime: now, expirationTime: now + YEAR_S }, token };
  }

  async deleteBearerToken(): Promise<void> {
    this.steps('Delete the oldest SCIM access token', `${SETTINGS} → Actions → Manage provisioning → Access tokens`, 'Delete the token with the earliest creation date');
    await this.prompt.ask('Press Enter when deleted: ');
  }
}
