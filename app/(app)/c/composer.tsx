'use client';
// Writing a message: Enter sends, Shift+Enter starts a new line. Offline the message is kept on the device
// and shows `Pending` until the server has it.
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MAX_BODY_LENGTH } from '../../../lib/docs';
import type { ListedMessage, MessageSurface } from './message-surface';
import { ErrorAlert } from '../../_components/notice';

export function Composer({
  conversation,
  replyingTo = null,
  onReplied = () => undefined,
}: {
  conversation: MessageSurface | null;
  /** The message this one answers, shown above the box until sent or cancelled. */
  replyingTo?: ListedMessage | null;
  onReplied?: () => void;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  // Sends run one after another in the order typed; the box is free for the next message at once.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (replyingTo) box.current?.focus();
  }, [replyingTo]);
  const hintId = useId();
  const inputId = useId();

  function send(): void {
    if (!conversation || text.trim() === '') return;
    const body = text;
    const answering = replyingTo;
    setText('');
    if (answering) onReplied();
    queue.current = queue.current.then(async () => {
      const sent = await (answering ? conversation.reply(body, answering.id) : conversation.send(body)).catch(() => null);
      if (sent?.ok) {
        setError(null);
        return;
      }
      // Nothing typed is lost: a refused message goes back into the box unless something new is there.
      setText((now) => (now === '' ? body : now));
      setError(
        sent === null
          ? 'This message could not be saved on this device. It is back in the box: try again.'
          : `This message could not be sent: keep it under ${MAX_BODY_LENGTH} characters.`,
      );
    });
  }

  function onSubmit(event: FormEvent): void {
    event.preventDefault();
    send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    // While an input method is composing, Enter confirms the composition, not the message.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form className="composer" onSubmit={onSubmit} aria-label="Write a message">
      <ErrorAlert message={error} />
      {replyingTo ? (
        <div className="replying-to">
          <p className="small">
            Replying to <strong>{replyingTo.authorName}</strong>: <span className="quote-text">{(replyingTo.body ?? '').slice(0, 120)}</span>
          </p>
          <button type="button" className="button ghost small" onClick={onReplied}>
            Cancel reply
          </button>
        </div>
      ) : null}
      <div className="composer-row">
        <label htmlFor={inputId} className="visually-hidden">
          Message
        </label>
        <textarea
          ref={box}
          id={inputId}
          rows={1}
          value={text}
          maxLength={MAX_BODY_LENGTH}
          placeholder="Write a message"
          aria-describedby={hintId}
          onChange={(event) => {
            setText(event.target.value);
            // Encrypted and throttled by the engine; false once the draft is cleared.
            conversation?.setTyping?.(event.target.value !== '');
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && replyingTo) {
              event.preventDefault();
              onReplied();
            } else onKeyDown(event);
          }}
          disabled={!conversation}
        />
        <button type="submit" className="button primary" disabled={!conversation}>
          Send
        </button>
      </div>
      <p id={hintId} className="composer-hint">
        Enter sends · Shift+Enter for a new line
      </p>
    </form>
  );
}
