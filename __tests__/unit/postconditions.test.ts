import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsSsoadminInstances } from '@cdktf/provider-aws/lib/data-aws-ssoadmin-instances';
import { addPostconditions } from '../../constructs/postconditions';

const conditions = [
  { condition: '${length(self.arns) > 0}', errorMessage: 'No "instance": enable it.' },
  { condition: '${length(self.arns) < 2}', errorMessage: 'Two instances.' },
];

const stackWith = (hclOutput: boolean) => {
  const stack = new TerraformStack(Testing.stubVersion(new App({ hclOutput, stackTraces: false })), 'stack');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  addPostconditions(new DataAwsSsoadminInstances(stack, 'instances'), conditions);
  return stack;
};

describe('addPostconditions', () => {
  it('writes the JSON list Terraform reads from cdk.tf.json', () => {
    const json = JSON.parse(Testing.synth(stackWith(false)));
    expect(json.data.aws_ssoadmin_instances.instances.lifecycle).toEqual({
      postcondition: conditions.map(({ condition, errorMessage }) => ({ condition, error_message: errorMessage })),
    });
  });

  it('writes one postcondition block each in HCL, not the attribute list Terraform rejects (cdk-terrain issue 313)', () => {
    const hcl: string = Testing.synthHcl(stackWith(true));
    expect(hcl).not.toMatch(/postcondition\s*=/);
    expect(hcl.replace(/\s+/g, ' ')).toContain(
      'lifecycle { postcondition { condition = "${length(self.arns) > 0}" error_message = "No \\"instance\\": enable it." } postcondition { condition = "${length(self.arns) < 2}" error_message = "Two instances." } }',
    );
  });

  it('adds nothing for no condition', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    addPostconditions(new DataAwsSsoadminInstances(stack, 'instances'), []);
    expect(JSON.parse(Testing.synth(stack)).data.aws_ssoadmin_instances.instances.lifecycle).toBeUndefined();
  });
});
