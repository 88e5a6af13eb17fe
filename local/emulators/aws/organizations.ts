import { Call, JsonService } from './json-service';

/**
 * How Organizations describes an account. AWS retired the account's `Status` on 2026-09-09: the SDK
 * model docs of Account, DescribeAccount, ListAccounts and ListAccountsForParent (aws-sdk-js-v3
 * client-organizations, models_0.d.ts) say "The Status parameter in the Account object will be retired
 * on September 9, 2026 … use the State parameter instead". `State` takes PENDING_ACTIVATION, ACTIVE,
 * SUSPENDED, PENDING_CLOSURE or CLOSED (AccountState in the same model).
 * - 'retired': as AWS answers since that date, `State` only (the default);
 * - 'both': as AWS answered before it, `Status` beside `State` (moto 5.2.1's own answer).
 */
export type AccountStatusField = 'retired' | 'both';

// The operations whose answer holds Account objects (the model's Account shape).
const ACCOUNT_OPERATIONS = ['DescribeAccount', 'ListAccounts', 'ListAccountsForParent'];

/**
 * Organizations as moto answers it, with the account's `Status` removed while `statusField` is 'retired'.
 * moto 5.2.1 sets State beside Status (moto/organizations/models.py, FakeAccount.describe).
 */
export function organizationsService(statusField: () => AccountStatusField): JsonService {
  const withoutStatus = async (call: Call): Promise<unknown> => {
    const answer = await call.forward();
    if (!answer.ok || statusField() === 'both') return answer;
    const body = answer.json();
    for (const account of [body.Account, ...(body.Accounts ?? [])]) if (account) delete account.Status;
    return body;
  };
  return {
    name: 'organizations',
    targetPrefix: 'AWSOrganizationsV20161128',
    signingName: 'organizations',
    jsonVersion: '1.1',
    consoleOnly: false,
    operations: Object.fromEntries(ACCOUNT_OPERATIONS.map((operation) => [operation, withoutStatus])),
  };
}
