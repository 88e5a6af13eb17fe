import { UNKNOWN_ACCOUNT_STATE_MESSAGE } from '../../../constructs/account-targets';
import { Phase } from './phase';

export const withoutStatus: Phase = {
  title: `Organizations without Status (as AWS answers since 2026-09-09): every access stack's deploy stops with the provider-upgrade message and deletes no assignment`,
  only: { scope: 'full' },
  async run(ctx, task) {
    const { aws, accessStacks, workspace } = ctx;
    aws.answerAccountStatus('retired');
    try {
      const mark = aws.requests.mark();
      const stopped = await Promise.all(accessStacks.map((stack) => workspace.apply(stack).then(() => `${stack} applied`, (error: Error) => (error.message.replace(/\s+/g, ' ').includes(UNKNOWN_ACCOUNT_STATE_MESSAGE) ? undefined : `${stack}: ${error.message.split('\n')[0]}`))));
      const deletes = aws.requests.writesSince(mark).filter((w) => w.operation === 'DeleteAccountAssignment');
      const wrong = stopped.filter(Boolean);
      ctx.report.check('without Status, each access stack stops at its plan with the upgrade message, and no assignment is deleted', wrong.length === 0 && deletes.length === 0, `${accessStacks.length - wrong.length} of ${accessStacks.length} stopped with the message; ${wrong.join('; ') || 'none applied'}; DeleteAccountAssignment calls: ${deletes.reduce((n, w) => n + w.count, 0)}`);
      task.output = `${accessStacks.length - wrong.length} of ${accessStacks.length} stopped`;
    } finally {
      aws.answerAccountStatus('both');
    }
  },
};
