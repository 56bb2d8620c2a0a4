import { describe, expect, it } from 'vitest';
import { formatRecoveryKey, generateRecoveryKey, parseRecoveryKey } from '../../lib/crypto/index';
import { hex, seededRandom } from './fixtures/seeded-random';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('recovery key', () => {
  it('is 32 random bytes', () => {
    expect(generateRecoveryKey()).toHaveLength(32);
    expect(hex(generateRecoveryKey())).not.toBe(hex(generateRecoveryKey()));
  });

  it('formats as 14 dash-separated groups of 4 Crockford base32 characters', () => {
    const text = formatRecoveryKey(generateRecoveryKey());
    expect(text).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){13}$/);
  });

  it('formats a fixed key to a pinned string', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i + 100);
    expect(formatRecoveryKey(key)).toBe('CHJP-CSV8-D5N6-PV3D-DSQQ-0WBJ-EDT7-AXKQ-F1WQ-MYVW-FNZ7-Z041-GA1N-VD3C');
  });

  it('parses what it formats, for many keys', () => {
    const random = seededRandom('recovery');
    for (let i = 0; i < 200; i++) {
      const key = i === 0 ? new Uint8Array(32) : i === 1 ? new Uint8Array(32).fill(255) : random(32);
      expect(hex(parseRecoveryKey(formatRecoveryKey(key))!)).toBe(hex(key));
    }
  });

  it('tolerates lower case, spaces, missing dashes and Crockford look-alikes (I, L, O)', () => {
    const key = generateRecoveryKey();
    const text = formatRecoveryKey(key);
    const variants = [
      text.toLowerCase(),
      text.replace(/-/g, ' '),
      text.replace(/-/g, ''),
      `  ${text.replace(/-/g, ' - ')}\n`,
      text.replace(/1/g, 'l').replace(/0/g, 'O'),
      text.replace(/1/g, 'I').replace(/0/g, 'o'),
    ];
    for (const variant of variants) expect(hex(parseRecoveryKey(variant)!)).toBe(hex(key));
  });

  it('detects every single-character typo through the checksum', () => {
    const text = formatRecoveryKey(seededRandom('typo')(32)).replace(/-/g, '');
    for (let i = 0; i < text.length; i++) {
      const current = CROCKFORD.indexOf(text[i]!);
      const replacement = CROCKFORD[(current + 1 + (i % 31)) % 32]!;
      const typo = text.slice(0, i) + replacement + text.slice(i + 1);
      expect(parseRecoveryKey(typo)).toBeNull();
    }
  });

  it('detects two swapped neighbouring characters', () => {
    const text = formatRecoveryKey(seededRandom('swap')(32)).replace(/-/g, '');
    for (let i = 0; i + 1 < text.length; i++) {
      if (text[i] === text[i + 1]) continue;
      const swapped = text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
      expect(parseRecoveryKey(swapped)).toBeNull();
    }
  });

  it('rejects wrong lengths and characters outside the alphabet', () => {
    const text = formatRecoveryKey(generateRecoveryKey());
    expect(parseRecoveryKey(text.slice(0, -1))).toBeNull();
    expect(parseRecoveryKey(`${text}0`)).toBeNull();
    expect(parseRecoveryKey(text.replace(/^./, 'U'))).toBeNull();
    expect(parseRecoveryKey(text.replace(/^./, '*'))).toBeNull();
    expect(parseRecoveryKey('')).toBeNull();
  });
});
