/**
 * The labelled steps that are not pure Terraform, in the order they run. Each says what it does and
 * why no Terraform provider can. The same labels appear in logs, in the synthesized Terraform
 * (the federation link's input) and in the README's table.
 */
export interface StepLabel {
  readonly id: string;
  readonly label: string;
  readonly whyNotTerraform: string;
}

export const LOOKUP_STEP: StepLabel = {
  id: 'lookup',
  label: 'Read the instance SAML issuer, ACS URL and access portal URL (guide 3.1)',
  whyNotTerraform: 'no public AWS API or provider data source returns them; the console API does',
};

export const POST_APPLY_STEPS: readonly StepLabel[] = [
  {
    id: 'signing-certificate',
    label: "Make the app's token signing certificate active (guide 3.2)",
    whyNotTerraform: 'azuread_service_principal cannot set preferredTokenSigningKeyThumbprint',
  },
  {
    id: 'identity-source',
    label: 'Entra federation metadata → Identity Center external IdP (guide 3.3)',
    whyNotTerraform: 'no public AWS API or provider resource uploads IdP metadata or switches the identity source',
  },
  {
    id: 'scim-tenant',
    label: 'Enable automatic provisioning in Identity Center (guide 4.2)',
    whyNotTerraform: 'no public AWS API or provider resource creates a SCIM provisioning tenant',
  },
  {
    id: 'scim-token',
    label: 'SCIM bearer token → Entra synchronization secrets (guide 4.2, 4.3)',
    whyNotTerraform: 'no provider creates the token, and azuread_synchronization_secret would keep it in Terraform state',
  },
  {
    id: 'sync-job',
    label: 'Entra provisioning: test connection, start the job (guide 4.3)',
    whyNotTerraform: 'azuread_synchronization_job starts before any connection test and does not check it',
  },
  {
    id: 'provision-on-demand',
    label: 'Provision RichRoe on demand (guide 4.3)',
    whyNotTerraform: 'azuread_synchronization_job_provision_on_demand ignores the result, so a failure looks like success',
  },
  {
    id: 'verify',
    label: "Verify RichRoe was created by SCIM and NikkiWolf's SAML setup (guide 1.3, 3.4, 4.4)",
    whyNotTerraform: 'Terraform cannot assert on objects it does not own in another cloud',
  },
];

export const PRE_DESTROY_STEPS: readonly StepLabel[] = [
  {
    id: 'pause-sync',
    label: 'Pause Entra provisioning',
    whyNotTerraform: 'the job was started by a script, and a running job would re-create what the next steps delete',
  },
  {
    id: 'delete-scim-users',
    label: 'Delete users and groups that SCIM created in Identity Center',
    whyNotTerraform: 'Terraform does not own objects that SCIM created',
  },
  {
    id: 'delete-scim-tenant',
    label: 'Delete SCIM bearer tokens and the provisioning tenant',
    whyNotTerraform: 'no public AWS API or provider resource manages them',
  },
  {
    id: 'restore-identity-source',
    label: 'Identity source back to the Identity Center directory',
    whyNotTerraform: 'no public AWS API or provider resource switches the identity source',
  },
];

/** Run by hand or on a schedule, between deploys. */
export const OPERATE_STEPS: readonly StepLabel[] = [
  {
    id: 'rotate-token',
    label: 'Rotate the SCIM bearer token without downtime',
    whyNotTerraform: 'no public AWS API or provider resource creates SCIM tokens, and a token kept in Terraform state would leak',
  },
];
