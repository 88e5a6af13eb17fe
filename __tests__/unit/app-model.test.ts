import { Testing, TerraformStack } from 'cdktf';
import { loadConfig, rawConfig } from '../../config';
import { accessStackAssignments, assignmentResourceName, destroyOrder, stackNames } from '../../app-model/stacks';
import { appAccessStacks, buildApp } from '../../main';
import { withEnv } from '../support/synth';

const NO_ENDPOINT = { AWS_ENDPOINT_URL: undefined };

/** The shipped config with AWS-Admins' access in the stacks <instance>-access-admin, a user's entry in <instance>-access-people, and an empty declared stack. */
const split = () => {
  const raw = structuredClone(rawConfig) as any;
  for (const entries of Object.values(raw.identityCenter.access) as any[]) {
    entries.filter((e: any) => e.group === 'AWS-Admins').forEach((e: any) => (e.stack = 'admin'));
    entries.push({ user: 'RichRoe', permissionSet: 'BaseViewOnly', accounts: ['123456789012'], stack: 'people' });
  }
  raw.identityCenter.accessStacks = { 'aws-commercial': ['people', 'admin', 'empty'], 'aws-govcloud': ['admin', 'people'] };
  return raw;
};

const built = (raw?: unknown) => withEnv(NO_ENDPOINT, () => buildApp(Testing.app(), { rawConfig: raw }));

describe('app model (app-model/stacks.ts): the stacks the app makes, without building it', () => {
  it.each([
    ['the shipped config', undefined],
    ['a config split over several access stacks', split()],
  ])('%s: the access stacks and their assignment resources by name are those of the built app', (_name, raw) => {
    expect(accessStackAssignments(loadConfig(raw ?? rawConfig))).toEqual(appAccessStacks(built(raw)));
  });

  it.each([
    ['the shipped config', undefined],
    ['a config split over several access stacks', split()],
  ])('%s: the stacks in deploy order are those main.ts builds, in its order', (_name, raw) => {
    const stacks = built(raw).node.children.filter((c): c is TerraformStack => c instanceof TerraformStack).map((s) => s.node.id);
    expect(stackNames(loadConfig(raw ?? rawConfig))).toEqual(stacks);
  });

  it('names the stacks for a destroy access stacks first, then azure-id, then the AWS stacks', () => {
    expect(destroyOrder(loadConfig(split()))).toEqual([
      'aws-commercial-access', 'aws-commercial-access-admin', 'aws-commercial-access-empty', 'aws-commercial-access-people',
      'aws-govcloud-access', 'aws-govcloud-access-admin', 'aws-govcloud-access-people',
      'azure-id', 'aws-commercial', 'aws-govcloud',
    ]);
  });

  it("names an assignment resource by CDKTF's logical id: the readable path and a hash of it", () => {
    expect(assignmentResourceName('group_AWS-Base_BaseViewOnly')).toMatch(/^group_AWS-Base_BaseViewOnly_assignment_[0-9A-F]{8}$/);
    expect(assignmentResourceName('group_AWS-Base_BaseViewOnly')).not.toEqual(assignmentResourceName('group_AWS-Admins_BaseViewOnly'));
  });
});
