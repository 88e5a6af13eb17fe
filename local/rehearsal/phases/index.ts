import { accessReport } from './access-report';
import { deployAccess } from './deploy-access';
import { deployAgain } from './deploy-again';
import { deployAws } from './deploy-aws';
import { deployAzureId } from './deploy-azure-id';
import { destroy } from './destroy';
import { justInTime } from './just-in-time';
import { leftovers } from './leftovers';
import { lookup } from './lookup';
import { membershipCycle } from './membership-cycle';
import { operate } from './operate';
import { organization } from './organization';
import { Phase } from './phase';
import { removal } from './removal';
import { startClouds } from './start-clouds';
import { synth } from './synth';
import { tokenRevoked } from './token-revoked';
import { verifyGroups } from './verify-groups';
import { verifyInstances } from './verify-instances';
import { withoutStatus } from './without-status';

/**
 * The rehearsal's phases in the order they run: each reads only what an earlier one provided
 * (local/rehearsal/context.ts, Provided). A phase outside the run's scope or faults is skipped.
 */
export const PHASES: readonly Phase[] = [
  startClouds,
  lookup,
  organization,
  synth,
  deployAws,
  deployAzureId,
  deployAccess,
  verifyGroups,
  membershipCycle,
  verifyInstances,
  tokenRevoked,
  operate,
  justInTime,
  withoutStatus,
  accessReport,
  deployAgain,
  removal,
  destroy,
  leftovers,
];
