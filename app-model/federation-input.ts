import { z } from 'zod';
import { INSTANCE_NAMES } from '../app-config/schema';

const user = z.object({ userName: z.string().min(1), objectId: z.string().min(1), userPrincipalName: z.string().min(3) });
// A group assigned to the app: its Entra object id is what the AWS group's ExternalIds must carry.
const group = z.object({ displayName: z.string().min(1), objectId: z.guid(), members: z.array(user) });

/**
 * What the federation link's provisioners pass in FEDERATION_INPUT (jsonencode(self.input)): the
 * azure-id stack writes it (constructs/federation-link.ts), the scripts read it (scripts/federation-input.ts).
 * The labels ride along so the state shows what the link runs; the script does not need them.
 */
export const federationInputSchema = z.object({
  instance: z.enum(INSTANCE_NAMES),
  awsProfile: z.string().min(1),
  region: z.string().min(1),
  partition: z.enum(['aws', 'aws-us-gov']),
  instanceArn: z.string().regex(/^arn:aws(-us-gov)?:sso:::instance\/(sso)?ins-[a-zA-Z0-9.-]{16}$/, 'must be an Identity Center instance ARN'),
  identityStoreId: z.string().regex(/^d-[0-9a-z]{10}$/, 'must be an identity store id (d-xxxxxxxxxx)'),
  tenantId: z.guid(),
  entraEnvironment: z.enum(['global', 'usgovernment']),
  applicationClientId: z.guid(),
  applicationObjectId: z.guid(),
  servicePrincipalId: z.guid(),
  signingCertificateThumbprint: z.string().regex(/^[0-9A-Fa-f]{40}$/, 'must be a SHA-1 thumbprint'),
  scimUsers: z.array(user),
  samlUsers: z.array(user),
  // Absent in the input of a link created before groups existed.
  groups: z.array(group).default([]),
  /** The JIT app registration npm run elevate and revoke sign in through (constructs/entra-jit-client.ts); absent before it existed. */
  jitClientId: z.guid().optional(),
});

export type FederationInput = z.infer<typeof federationInputSchema>;
