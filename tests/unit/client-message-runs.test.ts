// Day headings and runs of one author in a message list, on the device's local days.
import { describe, expect, it } from 'vitest';
import { continuesRun, dayLabel, RUN_GAP_MS, startsDay } from '../../lib/client/message-runs';

const at = (y: number, m: number, d: number, h: number, min = 0) => new Date(y, m - 1, d, h, min).getTime();
const msg = (author: string, sentAt: number) => ({ author, sentAt });

describe('day headings', () => {
  const now = at(2026, 12, 6, 15);
  it('names today, yesterday, and otherwise the date', () => {
    expect(dayLabel(at(2026, 12, 6, 0, 1), now)).toBe('Today');
    expect(dayLabel(at(2026, 12, 5, 23, 59), now)).toBe('Yesterday');
    expect(dayLabel(at(2026, 12, 4, 12), now, () => 'the date')).toBe('the date');
    // Across a month and a year boundary.
    expect(dayLabel(at(2026, 12, 31, 9), at(2027, 1, 1, 9))).toBe('Yesterday');
  });

  it('starts a day at the first message and where the local date changes', () => {
    expect(startsDay(null, msg('a', now))).toBe(true);
    expect(startsDay(msg('a', at(2026, 12, 6, 9)), msg('a', at(2026, 12, 6, 23, 59)))).toBe(false);
    expect(startsDay(msg('a', at(2026, 12, 5, 23, 59)), msg('a', at(2026, 12, 6, 0, 0)))).toBe(true);
  });
});

describe('runs of one author', () => {
  const t = at(2026, 12, 6, 12);
  it('continue with the same author within five minutes on the same day', () => {
    expect(continuesRun(msg('a', t), msg('a', t + RUN_GAP_MS - 1))).toBe(true);
  });
  it('break on another author, a gap of five minutes, a new day, or at the first message', () => {
    expect(continuesRun(msg('a', t), msg('b', t + 1000))).toBe(false);
    expect(continuesRun(msg('a', t), msg('a', t + RUN_GAP_MS))).toBe(false);
    expect(continuesRun(msg('a', at(2026, 12, 5, 23, 59)), msg('a', at(2026, 12, 6, 0, 1)))).toBe(false);
    expect(continuesRun(null, msg('a', t))).toBe(false);
  });
});
