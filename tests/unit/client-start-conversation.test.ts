import { describe, expect, it } from 'vitest';
import { ok } from '../../lib/protocol/errors';
import { parseHandleList, startConversation } from '../../lib/client/start-conversation';

describe('parseHandleList', () => {
  it('reads handles separated by commas, with or without @, in any case, once each', () => {
    expect(parseHandleList(' @Alice_1, bob_2,alice_1 ;  carol_3 ', 'me_here')).toEqual(ok(['alice_1', 'bob_2', 'carol_3']));
  });

  it('drops the own handle but refuses a list of only that', () => {
    expect(parseHandleList('me_here, bob_2', 'me_here')).toEqual(ok(['bob_2']));
    expect(parseHandleList('@me_here', 'me_here')).toEqual({ ok: false, code: 'input.only_own_handle' });
  });

  it('names the first handle that cannot be one (input.handle_invalid)', () => {
    expect(parseHandleList('bob_2, no!', 'me_here')).toEqual({ ok: false, code: 'input.handle_invalid', handle: 'no!' });
  });

  it('refuses an empty list (input.handles_empty) and more than 49 others (doc.too_many_members)', () => {
    expect(parseHandleList(' , ', 'me_here')).toEqual({ ok: false, code: 'input.handles_empty' });
    const many = Array.from({ length: 50 }, (_, i) => `person_${i}`).join(',');
    expect(parseHandleList(many, 'me_here')).toEqual({ ok: false, code: 'doc.too_many_members' });
  });
});

describe('startConversation', () => {
  it('passes a trimmed group name and refuses one that is too long (input.title_invalid)', async () => {
    const calls: Array<{ handles: string[]; title?: string }> = [];
    const deps = {
      ownHandle: 'me_here',
      start: async (handles: string[], options: { title?: string }) => {
        calls.push({ handles, ...options });
        return ok('doc');
      },
      lookup: async () => ({ ok: false as const, code: 'account.not_found' as const }),
    };
    expect(await startConversation(deps, { handles: 'bob_2', title: '  Garden  ' })).toEqual(ok('doc'));
    expect(calls).toEqual([{ handles: ['bob_2'], title: 'Garden' }]);
    expect(await startConversation(deps, { handles: 'bob_2', title: 'x'.repeat(101) })).toEqual({ ok: false, code: 'input.title_invalid' });
  });
});
