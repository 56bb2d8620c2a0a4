// The words for the history setting, shared by the New community form and the community's settings.
import type { HistoryVisibility } from '../../../lib/docs';

export const HISTORY_OPTIONS: ReadonlyArray<{ value: HistoryVisibility; label: string; hint: string }> = [
  {
    value: 'all',
    label: 'Earlier posts too',
    hint: 'Someone who joins can read what was posted since the key last changed (it changes when someone leaves or is removed).',
  },
  {
    value: 'joined',
    label: 'Only posts from when they join',
    hint: 'Each invitation by handle or new invite link changes the key first, so newcomers cannot read what was posted before it. Someone joining by a link can read from when the link was made.',
  },
];
