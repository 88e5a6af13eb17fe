import { relative, join } from 'node:path';
import { Construct } from 'constructs';
import { App, DataResource, TerraformStack } from 'cdktf';
import { POST_APPLY_STEPS, PRE_DESTROY_STEPS } from '../app-model/steps';

export const NOT_PURE_TERRAFORM_LABEL =
  'NOT PURE TERRAFORM: runs the labelled federation scripts (npm run federation) after apply and before destroy';

/** What the scripts need, all read from Terraform; the script validates it on arrival (app-model/federation-input.ts). */
export interface FederationLinkInput {
  readonly instance: string;
  readonly awsProfile: string;
  readonly region: string;
  readonly partition: string;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly tenantId: string;
  readonly entraEnvironment: string;
  readonly applicationClientId: string;
  readonly applicationObjectId: string;
  readonly servicePrincipalId: string;
  readonly signingCertificateThumbprint: string;
  /** Users that SCIM provisions (RichRoe) and users created by hand in Identity Center (NikkiWolf). */
  readonly scimUsers: { userName: string; objectId: string; userPrincipalName: string }[];
  readonly samlUsers: { userName: string; objectId: string; userPrincipalName: string }[];
  /** The groups assigned to the app, with their direct members: the provision-groups step provisions them and checks the tie. */
  readonly groups: { displayName: string; objectId: string; members: { userName: string; objectId: string; userPrincipalName: string }[] }[];
  /** The client id of the JIT app registration (constructs/entra-jit-client.ts): post-apply records it for npm run elevate and revoke. */
  readonly jitClientId?: string;
}

export interface FederationLinkProps {
  readonly input: FederationLinkInput;
  /** The project root, where `npm run federation` works. */
  readonly projectRoot: string;
}

/**
 * The federation link (docs/decisions/0002-federation-link-runs-labelled-steps.md): the provisioners that run the steps no provider can do.
 * Destroy-time provisioners may reference only `self`, so every value travels in `input` and
 * reaches the script as one JSON environment variable: no secret is among them.
 *
 * Two terraform_data, because `triggers_replace` replaces a resource, and replacing one runs its
 * destroy-time provisioner:
 * - `post_apply` runs post-apply when created. Its triggers_replace holds every value the steps
 *   read (the signing certificate's thumbprint, and with it Entra's federation metadata; the
 *   assigned users; the assigned groups and their members; the ids), so a change of any of them
 *   re-runs post-apply. It has no destroy-time
 *   provisioner, so that replacement undoes nothing.
 * - `link` runs pre-destroy when destroyed. It is replaced only by a new Identity Center instance
 *   or a new Entra app, the only changes after which the old federation must be undone.
 * `post_apply` depends on `link`: on destroy it goes first, then pre-destroy runs while the apps
 * and users still exist.
 */
export class FederationLink extends Construct {
  readonly resource: DataResource;
  readonly postApply: DataResource;

  constructor(scope: Construct, id: string, props: FederationLinkProps) {
    super(scope, id);
    const { input } = props;
    const stack = TerraformStack.of(this);
    // Terraform runs in cdktf.out/stacks/<stack>; the scripts run from the project root.
    const workingDir = relative(join(App.of(this).outdir, 'stacks', stack.node.id), props.projectRoot) || '.';
    const script = (command: string) => `npm run --silent federation -- ${command} --instance ${input.instance}`;
    const environment = { FEDERATION_INPUT: '${jsonencode(self.input)}' };
    const labelled = { label: NOT_PURE_TERRAFORM_LABEL, postApplySteps: POST_APPLY_STEPS.map((s) => s.label), preDestroySteps: PRE_DESTROY_STEPS.map((s) => s.label), ...input };
    // `when` is a keyword in HCL (`when = destroy`) and a string in Terraform JSON ("destroy"). CDKTF's HCL
    // renderer (node_modules/cdktf/lib/hcl/render.js, renderProvisionerBlock → renderAttributes) quotes a
    // plain string (renderFuzzyJsonExpression), which Terraform 1.11 flags as a deprecated quoted keyword,
    // but writes a value given as `{ value, type: "reference" }` bare (its `type === "reference"` branch).
    const destroy = (App.of(this).hclOutput ? { value: 'destroy', type: 'reference' } : 'destroy') as 'destroy';

    this.resource = new DataResource(this, 'link', {
      input: labelled,
      triggersReplace: { instanceArn: input.instanceArn, servicePrincipalId: input.servicePrincipalId },
      provisioners: [{ type: 'local-exec', when: destroy, command: script('pre-destroy'), workingDir, environment }],
    });
    this.postApply = new DataResource(this, 'post_apply', {
      input: labelled,
      triggersReplace: input,
      dependsOn: [this.resource],
      provisioners: [{ type: 'local-exec', command: script('post-apply'), workingDir, environment }],
    });
  }
}
