// How a message list is broken up for reading: a heading where a new day starts (Today, Yesterday, or the date),
// and runs of one author, whose later messages show no name or time of their own.

/** A run of one author breaks after this long without a message. */
export const RUN_GAP_MS = 5 * 60 * 1000;

interface Sent {
  author: string;
  sentAt: number;
}

const dayOf = (at: number) => new Date(at).toDateString();

/** Does `message` start a new day (the first message always does)? Days are the device's local days. */
export function startsDay(previous: Sent | null, message: Sent): boolean {
  return previous === null || dayOf(previous.sentAt) !== dayOf(message.sentAt);
}

/** Does `message` continue its author's run: same day, same author, within RUN_GAP_MS of the one before? */
export function continuesRun(previous: Sent | null, message: Sent): boolean {
  return previous !== null && !startsDay(previous, message) && previous.author === message.author && message.sentAt - previous.sentAt < RUN_GAP_MS;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** The day heading: 'Today', 'Yesterday', or the full date. */
export function dayLabel(at: number, now: number, format: (at: number) => string = (t) => dayFormat.format(t)): string {
  if (dayOf(at) === dayOf(now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (dayOf(at) === yesterday.toDateString()) return 'Yesterday';
  return format(at);
}
