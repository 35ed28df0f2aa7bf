import { describe, expect, it } from 'vitest';
import { AccountRepository, linkOrCreateAccount } from '../../provider/accounts/index.js';
import { MemoryStore } from '../../provider/store/index.js';
import { Clock } from '../../provider/time/index.js';

const request = { email: 'snart@example.se', clientId: 'hrm', tenantId: undefined, locale: 'sv-SE', at: 1_800_000_000 };

/** The repository, with the account deleted just before the first link is written: a delete that came at the same moment. */
function deletedWhileLinking(accounts: AccountRepository): AccountRepository {
  let raced = false;
  return new Proxy(accounts, {
    get(target, property) {
      if (property === 'update' && !raced) {
        raced = true;
        return async (sub: string, change: Parameters<AccountRepository['update']>[1]) => {
          await target.delete(sub);
          return target.update(sub, change);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('linking an address to an application', () => {
  it('links the address anew, never answering an account that was deleted while it was being linked', async () => {
    const accounts = new AccountRepository(new MemoryStore(new Clock()));
    const first = (await linkOrCreateAccount(accounts, request)).account;
    const { account, created } = await linkOrCreateAccount(deletedWhileLinking(accounts), request);
    expect(account.sub).not.toBe(first.sub);
    expect(created).toBe(true);
    expect(await accounts.findBySub(account.sub)).toMatchObject({ email: 'snart@example.se', applications: [expect.objectContaining({ clientId: 'hrm' })] });
    expect(await accounts.findBySub(first.sub)).toBeUndefined();
  });
});
