import { AccountAssignmentRequests } from './account-assignments';
import { Forwarded, JsonService } from './json-service';
import { conflict, notFound } from './protocol';

type Tag = { Key: string; Value: string };

/**
 * sso-admin operations moto 5.2.1 lacks (design.md §3): without them `terraform apply` of a
 * permission set or the ABAC attributes hangs on retried HTTP 500s. Tags given at creation are
 * captured on the way to moto, so ListTagsForResource reports what Terraform set.
 */
export function ssoAdminExtensions(assignments: AccountAssignmentRequests): JsonService {
  const managedPolicies = new ManagedPolicyPaths();
  const tags = new Map<string, Map<string, string>>();
  const provisioning = new Map<string, unknown>();
  const accessControl = new Map<string, unknown>();
  // sso-admin API reference, CreateAccountAssignment: "the specified permission set will automatically be provisioned to the
  // account"; moto 5.2.1 lists only the caller's account, and only after ProvisionPermissionSet. Permission set ARN → accounts.
  const provisionedTo = new Map<string, Set<string>>();
  const provision = (arn: string, account: string) => provisionedTo.set(arn, (provisionedTo.get(arn) ?? new Set()).add(account));
  const assignmentOperations = assignments.operations();
  const setTags = (arn: string, list: Tag[] = []) => {
    const current = tags.get(arn) ?? new Map<string, string>();
    list.forEach(({ Key, Value }) => current.set(Key, Value));
    tags.set(arn, current);
  };
  const tagsOf = (arn: string): Tag[] => [...(tags.get(arn) ?? new Map())].map(([Key, Value]) => ({ Key, Value }));
  const accessControlOf = (instanceArn: string) => {
    const configuration = accessControl.get(instanceArn);
    if (!configuration) throw notFound(`No access control attribute configuration for ${instanceArn}`);
    return configuration;
  };

  return {
    name: 'sso-admin',
    targetPrefix: 'SWBExternalService',
    signingName: 'sso',
    jsonVersion: '1.1',
    consoleOnly: false,
    admit: () => assignments.admit(),
    operations: {
      ...assignmentOperations,
      CreateAccountAssignment: async (call) => {
        const answer = await assignmentOperations.CreateAccountAssignment(call);
        provision(call.body.PermissionSetArn, call.body.TargetId);
        return answer;
      },
      // unverified: the order AWS lists accounts in; no paging here (the estates the tests build fit one page).
      ListAccountsForProvisionedPermissionSet: ({ body }) => ({ AccountIds: [...(provisionedTo.get(body.PermissionSetArn) ?? [])] }),
      CreatePermissionSet: async ({ body, forward }) => {
        const answer = await forward();
        if (answer.ok) setTags(answer.json().PermissionSet.PermissionSetArn, body.Tags);
        return answer;
      },
      DeletePermissionSet: async ({ body, forward }) => {
        const answer = await forward();
        if (answer.ok) tags.delete(body.PermissionSetArn);
        return answer;
      },
      ListTagsForResource: ({ body }) => ({ Tags: tagsOf(body.ResourceArn) }),
      TagResource: ({ body }) => {
        setTags(body.ResourceArn, body.Tags);
        return {};
      },
      UntagResource: ({ body }) => {
        (body.TagKeys as string[]).forEach((key) => tags.get(body.ResourceArn)?.delete(key));
        return {};
      },
      AttachManagedPolicyToPermissionSet: ({ body, forward }) => forward({ ...body, ManagedPolicyArn: managedPolicies.toMoto(body.ManagedPolicyArn) }),
      DetachManagedPolicyFromPermissionSet: ({ body, forward }) => forward({ ...body, ManagedPolicyArn: managedPolicies.toMoto(body.ManagedPolicyArn) }),
      ListManagedPoliciesInPermissionSet: async ({ forward }) => {
        const answer = await forward();
        if (!answer.ok) return answer;
        const listed = answer.json();
        return { ...listed, AttachedManagedPolicies: (listed.AttachedManagedPolicies as { Arn: string }[]).map((p) => ({ ...p, Arn: managedPolicies.fromMoto(p.Arn) })) };
      },
      ProvisionPermissionSet: async ({ forward }) => {
        const answer: Forwarded = await forward();
        if (answer.ok) {
          const status = answer.json().PermissionSetProvisioningStatus;
          provisioning.set(status.RequestId, status);
        }
        return answer;
      },
      DescribePermissionSetProvisioningStatus: ({ body }) => {
        const status = provisioning.get(body.ProvisionPermissionSetRequestId);
        if (!status) throw notFound(`No provisioning request ${body.ProvisionPermissionSetRequestId}`);
        return { PermissionSetProvisioningStatus: status };
      },
      CreateInstanceAccessControlAttributeConfiguration: ({ body }) => {
        if (accessControl.has(body.InstanceArn)) throw conflict('Access control attributes are already configured for this instance');
        accessControl.set(body.InstanceArn, body.InstanceAccessControlAttributeConfiguration);
        return {};
      },
      DescribeInstanceAccessControlAttributeConfiguration: ({ body }) => ({
        InstanceAccessControlAttributeConfiguration: accessControlOf(body.InstanceArn),
        Status: 'ENABLED',
        StatusReason: '',
      }),
      UpdateInstanceAccessControlAttributeConfiguration: ({ body }) => {
        accessControlOf(body.InstanceArn);
        accessControl.set(body.InstanceArn, body.InstanceAccessControlAttributeConfiguration);
        return {};
      },
      DeleteInstanceAccessControlAttributeConfiguration: ({ body }) => {
        accessControlOf(body.InstanceArn);
        accessControl.delete(body.InstanceArn);
        return {};
      },
    },
  };
}

/**
 * AWS managed policies with a path, such as arn:aws:iam::aws:policy/job-function/ViewOnlyAccess (AWS
 * Managed Policy Reference, "ViewOnlyAccess"): moto 5.2.1's policy list has no paths, so it knows that
 * policy only as arn:aws:iam::aws:policy/ViewOnlyAccess and refuses the real ARN. Requests go to moto
 * without the path, and answers come back with the ARN the caller used.
 */
class ManagedPolicyPaths {
  private readonly real = new Map<string, string>();

  toMoto(arn: string): string {
    const match = /^(arn:[\w-]+:iam::aws:policy\/)(?:.+\/)?([^/]+)$/.exec(arn ?? '');
    if (!match) return arn;
    const motoArn = `${match[1]}${match[2]}`;
    if (motoArn !== arn) this.real.set(motoArn, arn);
    return motoArn;
  }

  fromMoto(arn: string): string {
    return this.real.get(arn) ?? arn;
  }
}
