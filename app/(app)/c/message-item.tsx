'use client';
// One message: the quoted original of a reply, the text (or `Message deleted`), its marks, reactions, and the
// actions shown on hover, focus or long press (always in the tab order, so a keyboard reaches them).
import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { RowProps } from '../../_components/virtual-list';
import { MAX_BODY_LENGTH } from '../../../lib/docs';
import type { ListedMessage, MessageSurface } from './message-surface';
import { TimeText } from '../../_components/time-text';
import { continuesRun, dayLabel, startsDay } from '../../../lib/client/message-runs';
import { useLongPress } from './use-long-press';

/** The small set offered under `React`. */
export const EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

export interface MessageItemProps {
  /** From the virtual list: how it finds the row, and where the row is in the whole conversation. */
  row: RowProps;
  message: ListedMessage;
  previous: ListedMessage | null;
  conversation: MessageSurface | null;
  myKey: string | null;
  original: ListedMessage | null;
  editing: boolean;
  seenText: string | null;
  onEdit(on: boolean): void;
  onDelete(): void;
  onReply(): void;
  onJump(messageId: string): void;
}

export function MessageItem(p: MessageItemProps) {
  const { message, conversation } = p;
  const [picking, setPicking] = useState(false);
  const [pressed, setPressed] = useState(false);
  // Someone I blocked (in a group we share): hidden on this device until I choose to show it.
  const [revealed, setRevealed] = useState(false);
  const hidden = message.blockedAuthor && !revealed;
  const { item, held, handlers } = useLongPress<HTMLLIElement>(() => setPressed(true));
  // Shown by a long press until the next touch or click somewhere else.
  useEffect(() => {
    if (!pressed) return;
    const away = (event: Event) => {
      if (!item.current?.contains(event.target as Node)) setPressed(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [pressed, item]);
  const newDay = startsDay(p.previous, message);
  const continued = continuesRun(p.previous, message);
  const gone = message.deleted || message.body === null;
  const classes = ['message', message.mine ? 'mine' : '', message.verified ? '' : 'unverified', pressed ? 'pressed' : '']
    .filter(Boolean)
    .join(' ');

  async function toggle(emoji: string, mine: boolean): Promise<void> {
    setPicking(false);
    if (!conversation) return;
    await (mine ? conversation.unreact(message.id, emoji) : conversation.react(message.id, emoji));
  }

  return (
    <li
      {...p.row}
      ref={item}
      className={continued ? 'message-row continued' : 'message-row'}
      // Reached by "jump to the original"; not a tab stop of its own.
      tabIndex={-1}
      {...handlers}
      // A right click, or a long press where the browser reports it as a context menu, opens the actions too.
      onContextMenu={(event) => {
        event.preventDefault();
        if (held()) return;
        setPressed((on) => !on);
      }}
    >
      {newDay ? <h2 className="day-separator">{dayLabel(message.sentAt, Date.now())}</h2> : null}
      <div className={classes}>
        <p className={continued ? 'message-meta visually-hidden' : 'message-meta'}>
          <span className="message-author">{message.authorName}</span>
          <TimeText className="message-time" at={message.sentAt} withTime />
        </p>
        {message.replyTo ? <Quote replyTo={message.replyTo} loaded={p.original} conversation={conversation} onJump={p.onJump} /> : null}
        {p.editing && !gone ? (
          <EditForm message={message} conversation={conversation} onDone={() => p.onEdit(false)} />
        ) : gone ? (
          <p className="message-body deleted">Message deleted</p>
        ) : hidden ? (
          <p className="message-body deleted">
            Message from someone you blocked.{' '}
            <button type="button" className="link-button" onClick={() => setRevealed(true)} aria-label={`Show the message from ${message.authorName}`}>
              Show
            </button>
          </p>
        ) : (
          <p className="message-body">{message.body}</p>
        )}
        {message.pending || !message.verified || (message.edited && !gone) || p.seenText ? (
          <p className="message-marks">
            {message.edited && !gone ? <span className="mark">edited</span> : null}
            {message.pending ? (
              <span className="mark pending" title="Saved on this device; it is sent when the server can be reached.">
                Pending
              </span>
            ) : null}
            {p.seenText ? (
              <span className="mark seen">
                <span aria-hidden="true">✓ </span>
                <span>{p.seenText}</span>
              </span>
            ) : null}
            {message.verified ? null : (
              <>
                <span className="mark unverified">Unverified</span>
                <span className="mark-explained">The signature does not match {message.authorName}: this message may not be from them.</span>
              </>
            )}
          </p>
        ) : null}
        {message.reactions.length > 0 && !gone && !hidden ? (
          <div className="reactions" role="group" aria-label="Reactions">
            {message.reactions.map((r) => {
              const mine = p.myKey !== null && r.members.includes(p.myKey as (typeof r.members)[number]);
              return (
                <button
                  key={r.emoji}
                  type="button"
                  className={mine ? 'reaction mine' : 'reaction'}
                  aria-pressed={mine}
                  aria-label={`${r.emoji} ${r.count}`}
                  disabled={!conversation}
                  onClick={() => void toggle(r.emoji, mine)}
                >
                  {r.emoji} {r.count}
                </button>
              );
            })}
          </div>
        ) : null}
        {gone || hidden || !conversation ? null : (
          <div className="message-actions" role="group" aria-label={`Actions for the message from ${message.authorName}`}>
            <button type="button" className="action" onClick={p.onReply}>
              Reply
            </button>
            <button type="button" className="action" aria-expanded={picking} onClick={() => setPicking((on) => !on)}>
              React
            </button>
            {message.mine ? (
              <>
                <button type="button" className="action" onClick={() => p.onEdit(true)}>
                  Edit
                </button>
                <button type="button" className="action danger" onClick={p.onDelete}>
                  Delete
                </button>
              </>
            ) : null}
            {picking ? (
              <span className="emoji-picker" role="group" aria-label="Choose a reaction">
                {EMOJI.map((emoji) => {
                  const mine = message.reactions.some((r) => r.emoji === emoji && p.myKey !== null && r.members.includes(p.myKey as (typeof r.members)[number]));
                  return (
                    <button key={emoji} type="button" className="action emoji" aria-label={`React with ${emoji}`} aria-pressed={mine} onClick={() => void toggle(emoji, mine)}>
                      {emoji}
                    </button>
                  );
                })}
              </span>
            ) : null}
          </div>
        )}
      </div>
    </li>
  );
}

/** The quoted original of a reply; a button that jumps to it. Fetched on its own when it is not in the window. */
function Quote({
  replyTo,
  loaded,
  conversation,
  onJump,
}: {
  replyTo: string;
  loaded: ListedMessage | null;
  conversation: MessageSurface | null;
  onJump(messageId: string): void;
}) {
  const [fetched, setFetched] = useState<ListedMessage | null | 'missing'>(null);
  useEffect(() => {
    if (loaded || !conversation) return;
    let cancelled = false;
    if (!conversation.message) {
      setFetched('missing');
      return;
    }
    void conversation.message(replyTo).then((found) => {
      if (!cancelled) setFetched(found ?? 'missing');
    });
    return () => {
      cancelled = true;
    };
  }, [replyTo, loaded, conversation]);
  const original = loaded ?? (fetched === 'missing' ? null : fetched);
  if (!original) return <p className="quote muted small">{fetched === 'missing' ? 'Reply to a message that is not on this device' : 'Reply'}</p>;
  const text = original.deleted || original.body === null ? 'Message deleted' : original.body;
  return (
    <button type="button" className="quote" onClick={() => onJump(original.id)} aria-label={`Reply to ${original.authorName}: ${text}. Show the original`}>
      <span className="quote-author">{original.authorName}</span>
      <span className="quote-text">{text.length > 160 ? `${text.slice(0, 159)}…` : text}</span>
    </button>
  );
}

function EditForm({ message, conversation, onDone }: { message: ListedMessage; conversation: MessageSurface | null; onDone(): void }) {
  const [text, setText] = useState(message.body ?? '');
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function save(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    if (!conversation || text.trim() === '') return;
    if (text === message.body) return onDone();
    const edited = await conversation.edit(message.id, text);
    if (edited.ok) onDone();
    else setError('This change could not be saved.');
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      onDone();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void save();
    }
  }

  return (
    <form className="edit-form" onSubmit={(event) => void save(event)}>
      <label htmlFor={id} className="visually-hidden">
        Edit message
      </label>
      <textarea id={id} value={text} maxLength={MAX_BODY_LENGTH} autoFocus rows={2} onChange={(event) => setText(event.target.value)} onKeyDown={onKeyDown} />
      {error ? (
        <p role="alert" className="error-text small">
          {error}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="button primary small">
          Save
        </button>
        <button type="button" className="button secondary small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
