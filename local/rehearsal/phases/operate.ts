import { awsClients } from '../../../scripts/clients/aws';
import { main as federation } from '../../../scripts/federation';
import { Phase } from './phase';

export const operate: Phase = {
  title: 'Operate: status of both instances, rotate a SCIM token, status again (npm run status, rotate-token)',
  async run(ctx, task) {
    const { report } = ctx;
    const status = async () => {
      const lines: string[] = [];
      const code = await federation(['status'], process.env, { print: (line) => lines.push((task.output = line)) });
      return { code, lines, warnings: lines.filter((l) => l.startsWith('warning: ')) };
    };
    const before = await status();
    report.status = before.lines;
    report.check('status after deploy: both instances without a warning', before.code === 0, before.warnings.join('; ') || 'exit code 0');
    const input = ctx.deployer.linkInputs()[0];
    const console = awsClients(input as any).console;
    const [tenant] = await console.listProvisioningTenants(input.identityStoreId);
    const tokens = async () => (await console.listBearerTokens(input.identityStoreId, tenant.tenantId)).map((t) => t.tokenId);
    const old = await tokens();
    const rotated = await federation(['rotate-token', '--instance', input.instance], { ...process.env, FEDERATION_INPUT: undefined }, { print: (line) => ctx.said.push((task.output = line)) });
    const now = await tokens();
    report.check(`rotate-token for ${input.instance}: one new token, the old one gone`, rotated === 0 && now.length === 1 && !old.includes(now[0]), `${old.join(', ')} → ${now.join(', ')}`);
    const after = await status();
    report.check('status after the rotation: Entra provisions with the new token, no warning', after.code === 0, after.warnings.join('; ') || 'exit code 0');
  },
};
