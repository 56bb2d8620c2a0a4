'use client';
// The messages of one conversation, oldest first. Bodies are plain text: a link stays text and is never
// fetched or previewed, so nobody learns that the message was read.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ShownMessage } from '../../../lib/client/engine/engine';
import { TimeText } from '../../_components/time-text';

/** How close to the end still counts as "reading the newest" (a few pixels of rounding, half a line). */
const NEAR_BOTTOM_PX = 48;

export function MessageList({ messages, docId, emptyText }: { messages: ShownMessage[]; docId: string; emptyText: string }) {
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const shown = useRef<{ docId: string; newest: string | null } | null>(null);
  const [unseen, setUnseen] = useState(false);

  function toNewest(): void {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
    atBottom.current = true;
    setUnseen(false);
  }

  // Open at the newest message; follow new ones only while the reader is at the bottom (or wrote it).
  useLayoutEffect(() => {
    const newest = messages.at(-1) ?? null;
    const before = shown.current;
    shown.current = { docId, newest: newest?.id ?? null };
    if (before?.docId !== docId) return toNewest();
    if (!newest || newest.id === before.newest) return;
    if (atBottom.current || newest.mine) toNewest();
    else setUnseen(true);
  }, [messages, docId]);

  // A phone keyboard opening (or any resize) shrinks the list: whoever was reading the newest still is.
  useEffect(() => {
    const element = list.current;
    if (!element || typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  return (
    <div className="chat-body">
      <ol
        ref={list}
        className="messages"
        aria-label="Messages"
        // Scrollable with the keyboard too.
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget;
          atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
          if (atBottom.current) setUnseen(false);
        }}
      >
        {messages.map((message) => (
          <MessageItem key={message.id} message={message} />
        ))}
      </ol>
      {messages.length === 0 ? <p className="chat-empty">{emptyText}</p> : null}
      {unseen ? (
        <button type="button" className="button secondary small jump-to-newest" onClick={toNewest}>
          New messages below
        </button>
      ) : null}
    </div>
  );
}

function MessageItem({ message }: { message: ShownMessage }) {
  const classes = ['message', message.mine ? 'mine' : '', message.verified ? '' : 'unverified'].filter(Boolean).join(' ');
  return (
    <li className={classes}>
      <p className="message-meta">
        <span className="message-author">{message.authorName}</span>
        <TimeText className="message-time" at={message.sentAt} withTime />
      </p>
      {message.deleted || message.body === null ? (
        <p className="message-body deleted">Message deleted</p>
      ) : (
        <p className="message-body">{message.body}</p>
      )}
      {message.pending || !message.verified || message.edited ? (
        <p className="message-marks">
          {message.edited && !message.deleted ? <span className="mark">edited</span> : null}
          {message.pending ? (
            <span className="mark pending" title="Saved on this device; it is sent when the server can be reached.">
              Pending
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
    </li>
  );
}
