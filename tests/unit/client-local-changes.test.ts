import { describe, expect, it } from 'vitest';
import { LocalChanges } from '../../lib/client/engine/local-changes';

describe('LocalChanges', () => {
  it('marks as newer only what changed after a round asked', () => {
    const changes = new LocalChanges();
    changes.touch('before');
    const round = changes.begin();
    changes.touch('after');
    expect(round.changedSince('before')).toBe(false);
    expect(round.changedSince('after')).toBe(true);
    expect(round.changedSince('never')).toBe(false);
    round.end();
  });

  it('keeps stamps while any round is in flight, and answers each round against its own start', () => {
    const changes = new LocalChanges();
    const first = changes.begin();
    changes.touch('a');
    const second = changes.begin();
    changes.touch('b');
    second.end();
    second.end();
    // The second round ending does not erase what the first still needs.
    expect(first.changedSince('a')).toBe(true);
    expect(first.changedSince('b')).toBe(true);
    first.end();
    const third = changes.begin();
    expect(third.changedSince('a')).toBe(false);
    changes.touch('a');
    expect(third.changedSince('a')).toBe(true);
    third.end();
  });
});
