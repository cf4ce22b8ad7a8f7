import { describe, expect, it } from 'vitest';
import type { MethodView } from '../../server/api/widget-api.js';
import { groupMethods } from './method-groups.js';

const method = (id: string, category: MethodView['category']): MethodView => ({ id, name: id, category, fields: [] });
const ids = (methods: readonly MethodView[]) => methods.map((entry) => entry.id);

describe('groupMethods', () => {
  it('leaves six methods of several kinds flat', () => {
    const six = [method('ovo', 'wallet'), method('visa', 'card'), method('bca', 'bank'), method('qris', 'alternative'), method('dana', 'wallet'), method('bni', 'bank')];
    expect(groupMethods(six)).toBeUndefined();
  });

  it('leaves a long list of one kind flat: a single heading would say nothing', () => {
    const wallets = ['ovo', 'dana', 'gopay', 'shopeepay', 'linkaja', 'astrapay', 'jeniuspay'].map((id) => method(id, 'wallet'));
    expect(groupMethods(wallets)).toBeUndefined();
  });

  it('groups seven methods of several kinds in the fixed order, keeping the server’s order inside each group', () => {
    const seven = [
      method('ovo', 'wallet'),
      method('qris', 'alternative'),
      method('bni', 'bank'),
      method('dana', 'wallet'),
      method('visa', 'card'),
      method('bca', 'bank'),
      method('mastercard', 'card'),
    ];
    const groups = groupMethods(seven);
    expect(groups?.map((group) => [group.category, group.titleKey, ids(group.methods)])).toEqual([
      ['card', 'methodGroupCard', ['visa', 'mastercard']],
      ['bank', 'methodGroupBank', ['bni', 'bca']],
      ['wallet', 'methodGroupWallet', ['ovo', 'dana']],
      ['alternative', 'methodGroupAlternative', ['qris']],
    ]);
  });

  it('shows no empty group, and puts a kind it does not know under other ways to pay', () => {
    const list = [...['a', 'b', 'c', 'd'].map((id) => method(id, 'bank')), method('later', 'crypto' as MethodView['category']), method('e', 'bank'), method('f', 'bank')];
    expect(groupMethods(list)?.map((group) => [group.category, ids(group.methods)])).toEqual([
      ['bank', ['a', 'b', 'c', 'd', 'e', 'f']],
      ['alternative', ['later']],
    ]);
  });
});
