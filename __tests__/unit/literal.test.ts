import { DataResource, TerraformStack, Testing } from 'cdktf';
import { hclString, literal } from '../../constructs/literal';

// Terraform language docs, "Strings and Templates": `$${` and `%%{` are the literal forms of `${` and `%{`.
// That Terraform itself reads the results back as the config text: __tests__/integration/config-literal.test.ts.
describe('literal: config text as a Terraform template that evaluates to itself', () => {
  it.each([
    ['${file("/etc/hostname")}', '$${file("/etc/hostname")}'],
    ['%{ if true }x%{ endif }', '%%{ if true }x%%{ endif }'],
    ['${aws:PrincipalTag/Department}', '$${aws:PrincipalTag/Department}'],
    // Already escaped text is text too: it must stay "$${" after Terraform reads it.
    ['$${x} %%{y}', '$$${x} %%%{y}'],
    ['a $ b % c { d } $x %y', 'a $ b % c { d } $x %y'],
  ])('%s', (text, template) => expect(literal(text)).toBe(template));

  it("refuses CDKTF's token markers, which CDKTF would replace whatever precedes them", () => {
    expect(() => literal('${TfToken[TOKEN.1]}')).toThrow(/CDKTF token marker/);
    expect(() => literal('#{TfToken[TOKEN.1]}')).toThrow(/CDKTF token marker/);
  });

  it('quotes text for an expression the code builds, in the escapes HCL reads', () => {
    expect(hclString('Base ${path.cwd} "q" \\ \b\f\n')).toBe('"Base $${path.cwd} \\"q\\" \\\\ \\u0008\\u000c\\n"');
  });

  it('keeps the tokens of a string intact when the literal comes after them (the rule in constructs/literal.ts)', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const source = new DataResource(stack, 'source', { input: { value: 'x' } });
    new DataResource(stack, 'after', { input: { value: `${source.id}/${literal('${open')}` } });
    new DataResource(stack, 'before', { input: { value: `${literal('${open')}/${source.id}` } });
    const data = JSON.parse(Testing.synth(stack)).resource.terraform_data;
    expect(data.after.input.value).toBe('${terraform_data.source.id}/$${open');
    // What the rule avoids: CDKTF drops the token's ${…} after an unclosed "$${".
    expect(data.before.input.value).toBe('$${open/terraform_data.source.id');
  });
});
