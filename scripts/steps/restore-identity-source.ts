import { toleratingGone } from '../clients/console-operations';
import { already, changed, labelled } from './step';

export const restoreIdentitySource = labelled('restore-identity-source', async ({ input, console }) => {
  const idp = await console.getExternalIdp(input.identityStoreId);
  if (!idp) return already('the identity source is the Identity Center directory');
  await toleratingGone(() => console.removeExternalIdp(input.identityStoreId, idp.idpId));
  return changed(`external IdP ${idp.entityId} removed`);
});
