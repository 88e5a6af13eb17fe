/** PIM for Groups through Graph: a group's schedules, and the signed-in user's own activation and deactivation. */
import { GraphCalls } from './graph-transport';

/** A PIM for Groups schedule (Graph privilegedAccessGroupEligibilitySchedule / privilegedAccessGroupAssignmentSchedule). */
export interface PimSchedule {
  readonly principalId: string;
  readonly accessId: 'member' | 'owner' | string;
  /** Assignment schedules only: "activated" for a user's own activation, "assigned" for an administrator's. */
  readonly assignmentType?: string;
  readonly status?: string;
  readonly scheduleInfo?: { startDateTime?: string | null; expiration?: { endDateTime?: string | null; type?: string } | null } | null;
}

/** privilegedAccessGroupAssignmentScheduleRequest: status Provisioned, PendingApproval, Revoked, … */
export interface ScheduleRequest {
  readonly id: string;
  readonly status: string;
  readonly targetScheduleId?: string | null;
}

export class PimApi {
  constructor(private readonly graph: GraphCalls) {}

  /**
   * PIM for Groups schedules of one group, every page: who is eligible (eligibilitySchedules) and
   * who holds the membership now (assignmentSchedules). Graph privilegedAccessGroup-list-eligibilityschedules
   * and -list-assignmentschedules: the list requires $filter on groupId or principalId.
   */
  async pimSchedules(kind: 'eligibilitySchedules' | 'assignmentSchedules', groupId: string): Promise<PimSchedule[]> {
    const schedules: PimSchedule[] = [];
    const description = `the PIM ${kind} of group ${groupId} are readable`;
    const byGroup = `groupId eq '${groupId}'`;
    // Each path written out, so the permission scan (scripts/permissions/scan.ts) sees both.
    let page = await this.graph.call(description, (api) =>
      kind === 'eligibilitySchedules'
        ? api('/identityGovernance/privilegedAccess/group/eligibilitySchedules').filter(byGroup).get()
        : api('/identityGovernance/privilegedAccess/group/assignmentSchedules').filter(byGroup).get(),
    );
    for (;;) {
      schedules.push(...page.value);
      const next: string | undefined = page['@odata.nextLink'];
      if (!next) return schedules;
      page = await this.graph.call(description, (api) => api(next).get());
    }
  }

  /**
   * The signed-in user activates or gives up membership of a PIM-enabled group (Graph
   * privilegedaccessgroup-post-assignmentschedulerequests: accessId member, action selfActivate
   * with scheduleInfo and justification, or selfDeactivate). Delegated only. The path written out in
   * each, so the permission scan (scripts/permissions/scan.ts) sees it.
   */
  selfActivateMembership(groupId: string, principalId: string, duration: string, justification: string): Promise<ScheduleRequest> {
    const scheduleInfo = { startDateTime: new Date().toISOString(), expiration: { type: 'afterDuration', duration } };
    return this.graph.call(`membership of group ${groupId} is activated`, (api) => api('/identityGovernance/privilegedAccess/group/assignmentScheduleRequests').post({ accessId: 'member', principalId, groupId, action: 'selfActivate', scheduleInfo, justification }));
  }

  selfDeactivateMembership(groupId: string, principalId: string): Promise<ScheduleRequest> {
    return this.graph.call(`membership of group ${groupId} is deactivated`, (api) => api('/identityGovernance/privilegedAccess/group/assignmentScheduleRequests').post({ accessId: 'member', principalId, groupId, action: 'selfDeactivate' }));
  }
}
