import { Construct } from 'constructs';
import { SsoadminInstanceAccessControlAttributes } from '@cdktf/provider-aws/lib/ssoadmin-instance-access-control-attributes';
import { IdentityCenterConfig } from '../app-config/schema';

export interface AccessControlAttributesProps {
  readonly instanceArn: string;
  readonly attributes: IdentityCenterConfig['accessControlAttributes'];
}

/** Attributes for access control (ABAC, guide step 5): session tags such as Department. */
export class AccessControlAttributes extends Construct {
  constructor(scope: Construct, id: string, props: AccessControlAttributesProps) {
    super(scope, id);
    new SsoadminInstanceAccessControlAttributes(this, 'attributes', {
      instanceArn: props.instanceArn,
      attribute: props.attributes.map((attribute) => ({
        key: attribute.key,
        // "$$" keeps Terraform from reading Identity Center's ${path:…} syntax as an interpolation.
        value: [{ source: [`$\${path:${attribute.identityStorePath}}`] }],
      })),
    });
  }
}
