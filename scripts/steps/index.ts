import { deleteScimTenant } from './delete-scim-tenant';
import { deleteScimUsers } from './delete-scim-users';
import { identitySource } from './identity-source';
import { pauseSync } from './pause-sync';
import { provisionOnDemand } from './provision-on-demand';
import { restoreIdentitySource } from './restore-identity-source';
import { rotateToken } from './rotate-token';
import { scimTenant } from './scim-tenant';
import { scimToken } from './scim-token';
import { signingCertificate } from './signing-certificate';
import { startSync } from './start-sync';
import { Step } from './step';
import { verify } from './verify';

/** The phases in the order of the catalog, which the tests hold to. */
export const PHASES: Record<'post-apply' | 'pre-destroy' | 'rotate-token', readonly Step[]> = {
  'post-apply': [signingCertificate, identitySource, scimTenant, scimToken, startSync, provisionOnDemand, verify],
  'pre-destroy': [pauseSync, deleteScimUsers, deleteScimTenant, restoreIdentitySource],
  'rotate-token': [rotateToken],
};
