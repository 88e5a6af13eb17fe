import { loadConfig } from '../../../config';
import { INSTANCE_NAMES } from '../../../app-config/schema';
import { accessStacks as accessStacksOf } from '../../../app-model/stacks';
import { credentials } from '../context';
import { buildOrganizations, rehearsalConfig, REHEARSAL_ORGANIZATION } from '../groups';
import { Phase } from './phase';

/** Provides the organization: an Organization per partition, the rehearsal config on its OUs, and that config's access stacks. */
export const organization: Phase = {
  title: `Build an Organization in each partition (${REHEARSAL_ORGANIZATION.organizationalUnits.length} OUs, ${REHEARSAL_ORGANIZATION.accounts} member accounts, ${REHEARSAL_ORGANIZATION.suspended} SUSPENDED)`,
  only: { scope: 'full' },
  async run(ctx, task) {
    const organizations = await buildOrganizations(ctx.aws.endpoint, credentials);
    const config = rehearsalConfig(organizations);
    const parsed = loadConfig(config);
    const accessChains = INSTANCE_NAMES.map((instance) => accessStacksOf(parsed, instance).map((s) => s.name));
    ctx.provide('organization', { organizations, config, accessChains, accessStacks: accessChains.flat() });
    task.output = [...organizations].map(([instance, o]) => `${instance}: ${o.accounts.length} accounts under ${o.rootId}`).join('; ');
  },
};
