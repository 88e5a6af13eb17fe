/**
 * The labels of the steps that are not pure Terraform, in the order post-apply runs them. Each says
 * what it does and why no Terraform provider can; a step whose work outlives a destroy also says
 * what its undo does. Plain data, so synth (the federation link's input, constructs/federation-link.ts)
 * and the README test read the labels without loading the clients. The steps themselves are in
 * scripts/steps/index.ts, in this order.
 */
export interface StepLabel {
  readonly id: string;
  readonly label: string;
  /** Why no Terraform provider can do it. */
  readonly why: string;
}

export interface CatalogEntry extends StepLabel {
  /** What the step's undo does before destroy, and why Terraform cannot; absent when destroy leaves nothing of it. */
  readonly teardown?: Omit<StepLabel, 'id'>;
}

export const LOOKUP_STEP: StepLabel = {
  id: 'lookup',
  label: 'Read the instance SAML issuer, ACS URL and access portal URL (guide 3.1)',
  why: 'no public AWS API or provider data source returns them; the console API does',
};

export const CATALOG: readonly CatalogEntry[] = [
  {
    id: 'signing-certificate',
    label: "Make the app's token signing certificate active (guide 3.2)",
    why: 'azuread_service_principal cannot set preferredTokenSigningKeyThumbprint',
  },
  {
    id: 'identity-source',
    label: 'Entra federation metadata → Identity Center external IdP (guide 3.3)',
    why: 'no public AWS API or provider resource uploads IdP metadata or switches the identity source',
    teardown: { label: 'Identity source back to the Identity Center directory', why: 'no public AWS API or provider resource switches the identity source' },
  },
  {
    id: 'scim-tenant',
    label: 'Enable automatic provisioning in Identity Center (guide 4.2)',
    why: 'no public AWS API or provider resource creates a SCIM provisioning tenant',
    teardown: {
      label: "Delete the users and groups this deployment's SCIM tenant created, then the tenant",
      why: 'Terraform does not own objects that SCIM created, and no public AWS API or provider resource deletes the tenant',
    },
  },
  {
    id: 'scim-token',
    label: 'SCIM bearer token → Entra synchronization secrets (guide 4.2, 4.3)',
    why: 'no provider creates the token, and azuread_synchronization_secret would keep it in Terraform state',
    teardown: { label: 'Delete the SCIM bearer tokens', why: 'no public AWS API or provider resource manages them' },
  },
  {
    id: 'sync-job',
    label: 'Entra provisioning: test connection, start the job (guide 4.3)',
    why: 'azuread_synchronization_job starts before any connection test and does not check it',
    teardown: { label: 'Pause Entra provisioning', why: 'the job was started by a script, and a running job would re-create what the next steps delete' },
  },
  {
    id: 'provision-on-demand',
    label: 'Provision RichRoe on demand (guide 4.3)',
    why: 'azuread_synchronization_job_provision_on_demand ignores the result, so a failure looks like success',
  },
  {
    id: 'provision-groups',
    label: 'Provision the assigned groups with their members on demand, tied to Entra by object id',
    why: 'azuread_synchronization_job_provision_on_demand takes no group members, ignores the result, and cannot check that the AWS group carries the Entra object id; the access stacks need the groups before they plan',
  },
];

/** The last post-apply step: every step's check, against what both clouds hold now. */
export const VERIFY_STEP: StepLabel = {
  id: 'verify',
  label: "Verify RichRoe was created by SCIM and NikkiWolf's SAML setup (guide 1.3, 3.4, 4.4)",
  why: 'Terraform cannot assert on objects it does not own in another cloud',
};

export const POST_APPLY_STEPS: readonly StepLabel[] = [...CATALOG.map(({ id, label, why }) => ({ id, label, why })), VERIFY_STEP];

/** The undos, last step first: what post-apply built last goes first. */
export const PRE_DESTROY_STEPS: readonly StepLabel[] = CATALOG.filter((step) => step.teardown)
  .reverse()
  .map((step) => ({ id: step.id, ...step.teardown! }));

/** Run by hand or on a schedule, between deploys. */
export const OPERATE_STEPS: readonly StepLabel[] = [
  {
    id: 'rotate-token',
    label: 'Rotate the SCIM bearer token without downtime',
    why: 'no public AWS API or provider resource creates SCIM tokens, and a token kept in Terraform state would leak',
  },
  {
    id: 'leftovers',
    label: 'List what is left after destroy: in Identity Center what the steps made (external IdP, SCIM tenant, tokens, SCIM users and groups), in Entra the apps, users and groups by the names the stack gives them',
    why: 'Terraform only knows what is in its state; the steps created objects outside it, and a destroy that stopped half-way leaves objects Terraform no longer lists',
  },
];
