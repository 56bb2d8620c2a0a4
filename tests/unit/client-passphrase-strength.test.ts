import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from '../../lib/client/common-passwords';
import { estimatePassphraseStrength, MIN_PASSPHRASE_LENGTH } from '../../lib/client/passphrase-strength';

const strength = estimatePassphraseStrength;

describe('passphrase strength', () => {
  it('knows a few hundred common passwords', () => {
    expect(COMMON_PASSWORDS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(COMMON_PASSWORDS).size).toBe(COMMON_PASSWORDS.length);
  });

  it.each(['password', 'iloveyou', 'qwertyuiop', 'P@ssw0rd', 'Dragon'])('scores the common password %s as 0', (passphrase) => {
    const result = strength(passphrase);
    expect(result.score).toBe(0);
    expect(result.acceptable).toBe(false);
  });

  it.each(['password123456', 'Password1234!', 'iloveyou2024', 'Summer2024!!', 'monkeymonkey12'])(
    'refuses %s, a common word padded with digits and symbols',
    (passphrase) => {
      const result = strength(passphrase);
      expect(result.score).toBeLessThan(3);
      expect(result.acceptable).toBe(false);
      expect(result.feedback.join(' ')).toMatch(/common passwords/);
    },
  );

  it.each([
    ['aaaaaaaaaaaaaaa', /repeated/],
    ['abcabcabcabcabc', /repeated/],
    ['abcdefghijklmno', /sequences/],
    ['98765432109876', /sequences/],
    ['poiuytrewq;lkjhgf', /keyboard/],
  ])('refuses the pattern %s and says why', (passphrase, why) => {
    const result = strength(passphrase);
    expect(result.acceptable).toBe(false);
    expect(result.feedback.join(' ')).toMatch(why);
  });

  it('refuses anything shorter than 12 characters, however random', () => {
    const result = strength('vX9#mQ2$pL7');
    expect(result.length).toBe(MIN_PASSPHRASE_LENGTH - 1);
    expect(result.acceptable).toBe(false);
    expect(result.feedback[0]).toMatch(/at least 12 characters/);
  });

  it('refuses a single dictionary-looking word of 12 letters', () => {
    expect(strength('thunderstorm').acceptable).toBe(false);
  });

  it('penalises the person\'s own handle and display name', () => {
    const alone = strength('ada_lovelace rules');
    const personal = strength('ada_lovelace rules', ['ada_lovelace', 'Ada Lovelace']);
    expect(personal.bits).toBeLessThan(alone.bits);
    expect(personal.acceptable).toBe(false);
    expect(personal.feedback.join(' ')).toMatch(/handle or display name/);
  });

  it.each(['correct horse battery staple', 'my cat eats tuna daily', 'Rainy-Kettle-47', 'vX9#mQ2$pL7!'])(
    'accepts %s',
    (passphrase) => {
      const result = strength(passphrase);
      expect(result.score).toBeGreaterThanOrEqual(3);
      expect(result.acceptable).toBe(true);
    },
  );

  it('rates four random words as very strong and gives no advice', () => {
    const result = strength('correct horse battery staple');
    expect(result.score).toBe(4);
    expect(result.label).toBe('Very strong');
    expect(result.feedback).toEqual([]);
  });

  it('grows with length: adding words never lowers the score', () => {
    const words = ['lantern', 'gravel', 'oyster', 'pilgrim', 'saffron'];
    let previous = -1;
    for (let n = 1; n <= words.length; n++) {
      const { bits } = strength(words.slice(0, n).join(' '));
      expect(bits).toBeGreaterThan(previous);
      previous = bits;
    }
  });

  it('counts characters as people see them, not UTF-16 units', () => {
    expect(strength('🙂🙂🙂').length).toBe(3);
    expect(strength('été à la plage').length).toBe(14);
  });

  it('never repeats any part of the passphrase in its advice', () => {
    const passphrase = 'dragonfly2024';
    for (const line of strength(passphrase).feedback) {
      expect(line).not.toContain('dragonfly');
      expect(line).not.toContain('2024');
    }
  });

  it('scores only the first 256 characters of a very long paste, so its work is bounded', () => {
    const long = strength('abcdefghij'.repeat(100));
    const head = strength('abcdefghij'.repeat(100).slice(0, 256));
    expect(long.length).toBe(1000);
    expect({ ...long, length: 0 }).toEqual({ ...head, length: 0 });
  });
});
