import { AccountAssignmentRequests } from './account-assignments';
import { Forwarded, JsonService } from './json-service';
import { conflict, notFound } from './protocol';

type Tag = { Key: string; Value: string };

/**
 * sso-admin operations moto 5.2.1 lacks (observed with hashicorp/aws 5.100.0 against moto 5.2.1): without them `terraform apply` of a
 * permission set or the ABAC attributes hangs on retried HTTP 500s. Tags given at creation are
 * captured on the way to moto, so ListTagsForResource reports what Terraform set.
 */
export function ssoAdminExtensions(assignments: AccountAssignmentRequests, motoEndpoint: string): JsonService {
  const managedPolicies = new ManagedPolicyPaths();
  const tags = new Map<string, Map<string, string>>();
  // Provisioning request id → its instance and status, for DescribePermissionSetProvisioningStatus and ListPermissionSetProvisioningStatus.
  const provisioning = new Map<string, { instanceArn: string; status: ProvisioningStatus }>();
  const policies = new CustomerManagedPolicies(motoEndpoint);
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
      ProvisionPermissionSet: async ({ body, scope, forward }) => {
        const answer: Forwarded = await forward();
        if (!answer.ok) return answer;
        // moto 5.2.1 ignores the target and answers SUCCEEDED for the caller's account.
        let status: ProvisioningStatus = answer.json().PermissionSetProvisioningStatus;
        if (body.TargetType === 'AWS_ACCOUNT') {
          const missing = await policies.missingIn(body.TargetId, body.InstanceArn, body.PermissionSetArn, scope.region);
          status = { ...status, AccountId: body.TargetId, ...(missing.length ? { Status: 'FAILED', FailureReason: notSupported(missing) } : {}) };
          if (!missing.length) provision(body.PermissionSetArn, body.TargetId);
        }
        provisioning.set(status.RequestId, { instanceArn: body.InstanceArn, status });
        return { PermissionSetProvisioningStatus: status };
      },
      DescribePermissionSetProvisioningStatus: ({ body }) => {
        const request = provisioning.get(body.ProvisionPermissionSetRequestId);
        if (!request) throw notFound(`No provisioning request ${body.ProvisionPermissionSetRequestId}`);
        return { PermissionSetProvisioningStatus: request.status };
      },
      // sso-admin API reference, ListPermissionSetProvisioningStatus: the instance's provisioning requests as
      // PermissionSetProvisioningStatusMetadata (CreatedDate, RequestId, Status), Filter.Status narrowing them.
      // unverified: the order AWS lists them in and how long it keeps them; no paging (the tests' estates fit one page).
      ListPermissionSetProvisioningStatus: ({ body }) => ({
        PermissionSetsProvisioningStatus: [...provisioning.values()]
          .filter((r) => r.instanceArn === body.InstanceArn && (!body.Filter?.Status || r.status.Status === body.Filter.Status))
          .map(({ status: { CreatedDate, RequestId, Status } }) => ({ CreatedDate, RequestId, Status })),
      }),
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

interface ProvisioningStatus {
  readonly RequestId: string;
  readonly Status: string;
  readonly CreatedDate?: number;
  readonly AccountId?: string;
  readonly PermissionSetArn?: string;
  readonly FailureReason?: string;
}

// unverified: AWS's exact FailureReason wording; operators report "Received a 404 status error: Not supported policy <arn>".
const notSupported = (arns: string[]) => `Received a 404 status error: Not supported policy ${arns.join(', ')}.`;

/**
 * sso-admin API reference, AttachCustomerManagedPolicyReferenceToPermissionSet: "You must have an IAM
 * policy that matches the name and path in each AWS account where you want to deploy your permission
 * set." Provisioning to an account where a referenced policy is missing fails there. moto keeps the
 * references and each account's IAM (an account chosen with its x-moto-account-id header), so both
 * are read from moto.
 */
class CustomerManagedPolicies {
  constructor(private readonly motoEndpoint: string) {}

  /** The ARNs, in that account, of the permission set's customer-managed policies that do not exist there. */
  async missingIn(accountId: string, InstanceArn: string, PermissionSetArn: string, region: string): Promise<string[]> {
    const partition = PermissionSetArn.split(':')[1];
    const listed = await this.moto(region, 'sso', { 'x-amz-target': 'SWBExternalService.ListCustomerManagedPolicyReferencesInPermissionSet', 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify({ InstanceArn, PermissionSetArn }));
    const references: { Name: string; Path?: string }[] = ((await listed.json()) as { CustomerManagedPolicyReferences?: { Name: string; Path?: string }[] }).CustomerManagedPolicyReferences ?? [];
    const arns = references.map((r) => `arn:${partition}:iam::${accountId}:policy${r.Path ?? '/'}${r.Name}`);
    const found = await Promise.all(arns.map(async (arn) => (await this.moto(region, 'iam', { 'content-type': 'application/x-www-form-urlencoded', 'x-moto-account-id': accountId }, new URLSearchParams({ Action: 'GetPolicy', Version: '2010-05-08', PolicyArn: arn }).toString())).ok));
    return arns.filter((_, i) => !found[i]);
  }

  /** moto picks the service from the signing scope and checks no signature. */
  private moto(region: string, service: string, headers: Record<string, string>, body: string): Promise<Response> {
    const authorization = `AWS4-HMAC-SHA256 Credential=AKIAEMULATORSSO/20200101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
    return fetch(this.motoEndpoint, { method: 'POST', headers: { ...headers, authorization }, body });
  }
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
