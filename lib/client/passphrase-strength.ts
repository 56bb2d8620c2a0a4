// Estimates how many guesses a passphrase costs an attacker who knows the usual tricks: common
// passwords, the person's own handle, sequences, repeats and years. Like zxcvbn, it looks for the
// cheapest way to spell the passphrase from those patterns and plain characters, counted in bits.
import { COMMON_PASSWORDS } from './common-passwords';

export type StrengthScore = 0 | 1 | 2 | 3 | 4;

export interface PassphraseStrength {
  score: StrengthScore;
  label: 'Very weak' | 'Weak' | 'Fair' | 'Strong' | 'Very strong';
  /** Estimated guessing cost in bits. */
  bits: number;
  /** Counted in characters as a person sees them (code points). */
  length: number;
  /** Whether sign-up and passphrase change accept it. */
  acceptable: boolean;
  /** Short, human advice; never echoes any part of the passphrase. */
  feedback: string[];
}

export const MIN_PASSPHRASE_LENGTH = 12;
export const MIN_ACCEPTABLE_SCORE = 3;

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;
/** Upper bounds in bits for scores 0..3; 80 bits and more is a 4. */
const SCORE_LIMITS = [30, 45, 60, 80] as const;
/** Anything longer is scored on its first part; the cost is quadratic in the length. */
const MAX_SCORED_LENGTH = 256;
const MAX_WORD_LENGTH = 24;

const COMMON = new Set(COMMON_PASSWORDS);
const COMMON_WORDS = new Set(COMMON_PASSWORDS.filter((word) => word.length >= 4));
const COMMON_BITS = Math.log2(COMMON_PASSWORDS.length);
const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890', 'qwertzuiop', 'azertyuiop'];
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i' };

type Kind = 'common' | 'personal' | 'sequence' | 'keyboard' | 'repeat' | 'year';
interface Match {
  start: number;
  end: number;
  bits: number;
  kind: Kind;
}

const FEEDBACK: Record<Kind, string> = {
  common: 'Avoid common passwords and words such as “password” or “dragon”.',
  personal: 'Do not use your handle or display name.',
  sequence: 'Avoid sequences such as abc or 1234.',
  keyboard: 'Avoid keyboard patterns such as qwerty or asdf.',
  repeat: 'Avoid repeated characters and patterns such as aaa or abcabc.',
  year: 'Avoid years and dates: they are easy to guess.',
};

export function estimatePassphraseStrength(passphrase: string, personalWords: readonly string[] = []): PassphraseStrength {
  const all = Array.from(passphrase.normalize('NFKC'));
  const chars = all.slice(0, MAX_SCORED_LENGTH);
  const lower = chars.map((c) => c.toLowerCase());
  const unleet = lower.map((c) => LEET[c] ?? c);
  const charBits = Math.log2(poolSize(chars));

  const personal = new Set(
    personalWords.flatMap((word) => word.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((word) => word.length >= 3),
  );
  const matches = [
    ...dictionaryMatches(chars, lower, unleet, personal),
    ...sequenceMatches(lower),
    ...keyboardMatches(lower),
    ...repeatMatches(lower, charBits),
    ...yearMatches(lower),
  ];

  // Cheapest spelling of the whole passphrase (dynamic programming over end positions).
  const n = chars.length;
  const best = new Float64Array(n + 1);
  const via: Array<Match | null> = new Array<Match | null>(n + 1).fill(null);
  const byEnd = new Map<number, Match[]>();
  for (const match of matches) byEnd.set(match.end, [...(byEnd.get(match.end) ?? []), match]);
  for (let i = 1; i <= n; i++) {
    best[i] = best[i - 1]! + charBits;
    via[i] = null;
    for (const match of byEnd.get(i) ?? []) {
      const cost = best[match.start]! + match.bits;
      if (cost < best[i]!) {
        best[i] = cost;
        via[i] = match;
      }
    }
  }
  const used = new Set<Kind>();
  for (let i = n; i > 0; ) {
    const match = via[i];
    if (match) {
      used.add(match.kind);
      i = match.start;
    } else i -= 1;
  }

  const bits = best[n]!;
  const wholeIsCommon = COMMON.has(lower.join('')) || COMMON.has(unleet.join(''));
  let score = SCORE_LIMITS.findIndex((limit) => bits < limit);
  if (score === -1) score = 4;
  if (wholeIsCommon) score = 0;
  const strengthScore = score as StrengthScore;
  const length = all.length;

  const feedback: string[] = [];
  if (length < MIN_PASSPHRASE_LENGTH) {
    feedback.push(`Use at least ${MIN_PASSPHRASE_LENGTH} characters (this has ${length}).`);
  }
  for (const kind of ['common', 'personal', 'keyboard', 'sequence', 'repeat', 'year'] as const) {
    if (strengthScore < 4 && (used.has(kind) || (kind === 'common' && wholeIsCommon))) feedback.push(FEEDBACK[kind]);
  }
  if (strengthScore < MIN_ACCEPTABLE_SCORE) {
    feedback.push('Add another unusual word or two: a few random words make a strong passphrase you can remember.');
  }

  return {
    score: strengthScore,
    label: LABELS[strengthScore],
    bits: Math.round(bits),
    length,
    acceptable: strengthScore >= MIN_ACCEPTABLE_SCORE && length >= MIN_PASSPHRASE_LENGTH,
    feedback,
  };
}

function poolSize(chars: string[]): number {
  let lower = false;
  let upper = false;
  let digit = false;
  let symbol = false;
  let space = false;
  let other = false;
  for (const c of chars) {
    if (/[a-z]/.test(c)) lower = true;
    else if (/[A-Z]/.test(c)) upper = true;
    else if (/[0-9]/.test(c)) digit = true;
    else if (c === ' ') space = true;
    else if (/[\x21-\x7e]/.test(c)) symbol = true;
    else other = true;
  }
  const size = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (space ? 1 : 0) + (other ? 100 : 0);
  return Math.max(size, 2);
}

function dictionaryMatches(chars: string[], lower: string[], unleet: string[], personal: Set<string>): Match[] {
  const out: Match[] = [];
  for (let start = 0; start < lower.length; start++) {
    for (let end = start + 3; end <= Math.min(lower.length, start + MAX_WORD_LENGTH); end++) {
      const plain = lower.slice(start, end).join('');
      const decoded = unleet.slice(start, end).join('');
      const cased = chars.slice(start, end).some((c) => c !== c.toLowerCase()) ? 1 : 0;
      if (personal.has(plain) || personal.has(decoded)) {
        out.push({ start, end, bits: 1 + cased, kind: 'personal' });
      } else if (end - start >= 4 && (COMMON_WORDS.has(plain) || COMMON_WORDS.has(decoded))) {
        const leet = COMMON_WORDS.has(plain) ? 0 : 1;
        out.push({ start, end, bits: COMMON_BITS + cased + leet, kind: 'common' });
      }
    }
  }
  return out;
}

/** Runs like abcd, 4321: constant step of +1 or -1 within letters or within digits. */
function sequenceMatches(lower: string[]): Match[] {
  const out: Match[] = [];
  const code = (i: number) => lower[i]!.codePointAt(0)!;
  const sameClass = (i: number, j: number) => /[a-z]/.test(lower[i]!) === /[a-z]/.test(lower[j]!) && /[a-z0-9]/.test(lower[i]! + lower[j]!);
  let start = 0;
  while (start < lower.length - 2) {
    const step = code(start + 1) - code(start);
    if ((step !== 1 && step !== -1) || !sameClass(start, start + 1) || !/[a-z0-9]/.test(lower[start]!)) {
      start += 1;
      continue;
    }
    let end = start + 2;
    while (end < lower.length && code(end) - code(end - 1) === step && sameClass(end - 1, end)) end += 1;
    if (end - start >= 3) {
      const alphabet = /[0-9]/.test(lower[start]!) ? 10 : 26;
      out.push({ start, end, bits: Math.log2(alphabet) + Math.log2(end - start) + 1, kind: 'sequence' });
    }
    start = end - 1;
  }
  return out;
}

function keyboardMatches(lower: string[]): Match[] {
  const out: Match[] = [];
  const text = lower.join('');
  for (const row of KEYBOARD_ROWS) {
    for (const line of [row, [...row].reverse().join('')]) {
      for (let length = line.length; length >= 4; length--) {
        for (let offset = 0; offset + length <= line.length; offset++) {
          const fragment = line.slice(offset, offset + length);
          for (let at = text.indexOf(fragment); at !== -1; at = text.indexOf(fragment, at + 1)) {
            // Indexes into `text` equal indexes into `lower` only while every char is one UTF-16 unit.
            if (lower.slice(0, at).join('').length === at) {
              out.push({ start: at, end: at + length, bits: 6 + Math.log2(length), kind: 'keyboard' });
            }
          }
        }
      }
    }
  }
  return out;
}

/** aaaa (one character repeated) and abcabc (a chunk repeated). */
function repeatMatches(lower: string[], charBits: number): Match[] {
  const out: Match[] = [];
  for (let start = 0; start < lower.length; start++) {
    for (let chunk = 1; chunk <= Math.min(32, Math.floor((lower.length - start) / 2)); chunk++) {
      let reps = 1;
      while (sameChunk(lower, start, start + reps * chunk, chunk)) reps += 1;
      const length = reps * chunk;
      if (reps >= 2 && length >= 3) {
        out.push({ start, end: start + length, bits: chunk * charBits + Math.log2(reps) + 1, kind: 'repeat' });
      }
    }
  }
  return out;
}

function sameChunk(chars: string[], a: number, b: number, length: number): boolean {
  if (b + length > chars.length) return false;
  for (let i = 0; i < length; i++) if (chars[a + i] !== chars[b + i]) return false;
  return true;
}

function yearMatches(lower: string[]): Match[] {
  const out: Match[] = [];
  for (let start = 0; start + 4 <= lower.length; start++) {
    const text = lower.slice(start, start + 4).join('');
    if (/^(19|20)\d\d$/.test(text)) out.push({ start, end: start + 4, bits: Math.log2(150), kind: 'year' });
  }
  return out;
}
