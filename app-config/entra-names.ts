/**
 * The names the azure-id stack gives what it creates in Entra: one source for the stack and for the
 * leftover check after destroy, which finds those objects by name.
 */
import { AppConfig, InstanceName, UserConfig } from './schema';

/** The enterprise app (gallery app "AWS IAM Identity Center") of one AWS instance. */
export const enterpriseAppDisplayName = (instanceName: string): string => `AWS IAM Identity Center (${instanceName})`;

/** Every user the apps reach: assigned directly, a member of a group, eligible for or approving a privileged group. */
export function entraUsers(config: AppConfig): UserConfig[] {
  const inGroups = [...config.groups.flatMap((group) => group.members), ...config.pim.privilegedGroups.flatMap((p) => [...p.eligibleUsers, ...p.activation.approvers.users])];
  return config.users.filter((user) => config.entra.assignedUsers.includes(user.userName) || inGroups.includes(user.userName));
}

/** What a destroy must leave none of in Entra, by name. */
export function entraObjectNames(config: AppConfig, domain: string, instances: readonly InstanceName[]) {
  return {
    applications: instances.map(enterpriseAppDisplayName),
    users: entraUsers(config).map((user) => `${user.userName}@${domain}`),
    groups: config.groups.map((group) => group.displayName),
  };
}
