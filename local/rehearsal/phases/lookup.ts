import { main as federation } from '../../../scripts/federation';
import { Phase } from './phase';

export const lookup: Phase = {
  title: 'Look up the SAML values of both instances (npm run federation -- lookup)',
  async run(ctx, task) {
    const code = await federation(['lookup'], process.env, { print: (line) => ctx.said.push((task.output = line)) });
    if (code !== 0) throw new Error('lookup failed');
  },
};
