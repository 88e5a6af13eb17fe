import { Construct } from 'constructs';
import { SsoadminInstanceAccessControlAttributes } from '@cdktf/provider-aws/lib/ssoadmin-instance-access-control-attributes';
import { IdentityCenterConfig } from '../app-config/schema';
import { literal } from './literal';

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
        key: literal(attribute.key),
        // Identity Center's own ${path:…} syntax, which Terraform must not read as an interpolation.
        value: [{ source: [literal(`\${path:${attribute.identityStorePath}}`)] }],
      })),
    });
  }
}
