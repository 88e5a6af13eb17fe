/**
 * Guide step 3.1 and the tenant's default domain, written to the committed context file (`npm run federation --
 * lookup`): the SAML issuer, ACS URL and access portal URL of each instance, which no public API returns, and the
 * Entra tenant's default domain. A reviewer then sees every change in the pull request.
 */
import { writeFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/identity';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { AppConfig, INSTANCE_NAMES } from '../../app-config/schema';
import { DEFAULT_CONTEXT_FILE, FederationContext } from '../../app-config/context';
import { LOOKUP_STEP } from '../../app-model/steps';
import { awsClients } from '../clients/aws';
import { defaultCredential, entraEndpoints, GraphApi } from '../clients/graph';
import { OperatorPrompt } from '../clients/operator-prompt';

export interface LookupIo {
  readonly print: (line: string) => void;
  readonly credential?: TokenCredential;
  readonly prompt?: OperatorPrompt;
  readonly contextFile?: string;
}

// It reads the validated config: with the raw one, a GovCloud region typed for aws-commercial sent
// the calls to GovCloud and wrote that instance's issuer under aws-commercial.
export async function lookup(config: AppConfig, env: NodeJS.ProcessEnv, io: LookupIo): Promise<number> {
  io.print(`${LOOKUP_STEP.label} — not Terraform: ${LOOKUP_STEP.why}`);
  const instances = {} as FederationContext['instances'];
  for (const name of INSTANCE_NAMES) {
    const target = { ...config.aws[name], awsProfile: config.aws[name].profile };
    const aws = awsClients(target, { manual: io.prompt, env });
    const [instance] = (await aws.ssoAdmin.send(new ListInstancesCommand({}))).Instances ?? [];
    if (!instance?.IdentityStoreId) throw new Error(`Identity Center in ${name} has no Organization instance: enable it in the console (${target.region}), then run again.`);
    const sp = await aws.console.getSpSamlConfig(instance.IdentityStoreId);
    // The default portal URL of an instance without a custom alias (AWS docs); edit it here if you set one.
    const accessPortalUrl =
      target.partition === 'aws-us-gov' ? `https://start.us-gov-home.awsapps.com/directory/${instance.IdentityStoreId}` : `https://${instance.IdentityStoreId}.awsapps.com/start`;
    instances[name] = { issuer: sp.issuer, acsUrl: sp.acsUrl, accessPortalUrl };
    io.print(`  ${name}: issuer ${sp.issuer}, ACS ${sp.acsUrl}, portal ${accessPortalUrl}`);
  }
  const graph = new GraphApi(entraEndpoints(config.entra.environment, env), io.credential ?? defaultCredential(env));
  const defaultDomain = await graph.directory.defaultDomain();
  io.print(`  Entra default domain: ${defaultDomain}`);
  const file = io.contextFile ?? env.FEDERATION_CONTEXT_FILE ?? DEFAULT_CONTEXT_FILE;
  const context = { $comment: 'Written by `npm run federation -- lookup`; commit it so a reviewer sees every change.', source: 'lookup', entra: { defaultDomain }, instances };
  writeFileSync(file, `${JSON.stringify(context, null, 2)}\n`);
  io.print(`wrote ${file}`);
  return 0;
}
