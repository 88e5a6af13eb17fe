import { App, TerraformElement } from 'cdktf';

export interface Postcondition {
  /** A Terraform expression in `${…}`, evaluated with `self` bound to the element. */
  readonly condition: string;
  readonly errorMessage: string;
}

/**
 * Adds `lifecycle { postcondition { … } }` blocks to a resource, data source or remote state, valid in
 * both of CDKTF's outputs. JSON (`cdktf synth`) takes the plain list. HCL (`cdktf synth --hcl`) does not:
 * for a `lifecycle` given as a prop, CDKTF's renderer (node_modules/cdktf/lib/hcl/render.js,
 * renderAttributes → renderSimpleAttributes) writes `postcondition = [ … ]`, an attribute, which
 * Terraform rejects ("An argument named "postcondition" is not expected here";
 * open-constructs/cdk-terrain issue 313). The same renderer writes a real nested block for a value that
 * carries its own type, the form CDKTF's generated bindings give their nested blocks
 * (`{ value, isBlock: true, type: "list", storageClassType }` → one `name { … }` per item, renderList),
 * so in HCL mode the conditions go in as an override of that form.
 */
export function addPostconditions(element: TerraformElement, conditions: readonly Postcondition[]): void {
  if (conditions.length === 0) return;
  if (!App.of(element).hclOutput) {
    element.addOverride('lifecycle.postcondition', conditions.map(({ condition, errorMessage }) => ({ condition, error_message: errorMessage })));
    return;
  }
  const text = (value: string) => ({ value, type: 'simple', storageClassType: 'string' });
  element.addOverride('lifecycle', {
    isBlock: true,
    type: 'simple',
    value: {
      postcondition: {
        isBlock: true,
        type: 'list',
        storageClassType: 'object',
        value: conditions.map(({ condition, errorMessage }) => ({ condition: text(condition), error_message: text(errorMessage) })),
      },
    },
  });
}
