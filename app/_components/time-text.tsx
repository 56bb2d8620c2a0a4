// Times as people read them in a chat: the time today, the weekday this week, the date before that.
// The full date and time is in the element's dateTime and title.

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(ms: number): number {
  const date = new Date(ms);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dayMonthYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** `withTime`: messages show the time of day even on older days; the list shows just the day. */
export function shortTime(at: number, now: number, withTime: boolean): string {
  const today = startOfDay(now);
  const day = startOfDay(at);
  if (day === today) return clock.format(at);
  const when = day > today - 6 * DAY_MS ? weekday.format(at) : new Date(at).getFullYear() === new Date(now).getFullYear() ? dayMonth.format(at) : dayMonthYear.format(at);
  return withTime ? `${when} ${clock.format(at)}` : when;
}

export function TimeText({ at, withTime = false, className }: { at: number; withTime?: boolean; className?: string }) {
  return (
    <time className={className} dateTime={new Date(at).toISOString()} title={full.format(at)}>
      {shortTime(at, Date.now(), withTime)}
    </time>
  );
}
