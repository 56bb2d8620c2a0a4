'use client';
// The messages of one conversation, oldest first, in day sections and runs of one author. Bodies are plain
// text: a link stays text and is never fetched or previewed, so nobody learns that the message was read.
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { OpenConversation, ShownMessage } from '../../../lib/client/engine/engine';
import { DeleteDialog } from './delete-dialog';
import { MessageItem } from './message-item';

/** How close to the end still counts as "reading the newest" (a few pixels of rounding, half a line). */
const NEAR_BOTTOM_PX = 48;

export interface MessageListProps {
  messages: ShownMessage[];
  docId: string;
  emptyText: string;
  conversation: OpenConversation | null;
  isGroup: boolean;
  /** My signing key in this conversation, to show which reactions are mine. */
  myKey: string | null;
  hasOlder: boolean;
  onLoadOlder(): void;
  reveal(messageId: string): Promise<boolean>;
  onReply(message: ShownMessage): void;
  /** Open at this message (from a search result) instead of the newest. */
  focusMessageId: string | null;
}

export function MessageList(props: MessageListProps) {
  const { messages, docId, conversation } = props;
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const shown = useRef<{ docId: string; newest: string | null; oldest: string | null; height: number } | null>(null);
  const [scrolledUp, setScrolledUp] = useState(false);
  const [unseen, setUnseen] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<ShownMessage | null>(null);
  const [seen, setSeen] = useState<{ id: string; text: string } | null>(null);
  const focusedFor = useRef<string | null>(null);

  const markRead = useCallback(() => {
    const newest = messages.at(-1);
    if (!conversation || !newest || !atBottom.current || document.visibilityState !== 'visible') return;
    void conversation.markRead(newest.id);
  }, [conversation, messages]);

  function toNewest(): void {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
    atBottom.current = true;
    setScrolledUp(false);
    setUnseen(false);
    markRead();
  }

  const jumpTo = useCallback(
    async (messageId: string) => {
      if (!(await props.reveal(messageId))) return;
      // The widened window renders on the next frame.
      requestAnimationFrame(() => {
        const target = list.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
        if (!target) return;
        target.scrollIntoView({ block: 'center' });
        target.focus();
      });
    },
    [props],
  );

  // Open at the newest message; follow new ones only while the reader is at the bottom (or wrote it).
  // Older messages loaded at the top keep what the reader was looking at in place.
  useLayoutEffect(() => {
    const element = list.current;
    const newest = messages.at(-1) ?? null;
    const oldest = messages[0] ?? null;
    const before = shown.current;
    shown.current = { docId, newest: newest?.id ?? null, oldest: oldest?.id ?? null, height: element?.scrollHeight ?? 0 };
    if (before?.docId !== docId) return toNewest();
    if (element && before.oldest !== (oldest?.id ?? null) && before.newest === (newest?.id ?? null) && !atBottom.current) {
      element.scrollTop += element.scrollHeight - before.height;
    }
    if (!newest || newest.id === before.newest) return;
    if (atBottom.current || newest.mine) toNewest();
    else setUnseen(true);
  }, [messages, docId]);

  useEffect(() => {
    markRead();
    const onVisible = () => markRead();
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [markRead]);

  // From a search result: show that message once the conversation is listed.
  useEffect(() => {
    const target = props.focusMessageId;
    if (!target || messages.length === 0 || focusedFor.current === target) return;
    focusedFor.current = target;
    void jumpTo(target);
  }, [props.focusMessageId, messages.length, jumpTo]);

  // "Seen": a tick under my last message in a direct conversation, the names in a group.
  const lastMine = [...messages].reverse().find((m) => m.mine && !m.pending) ?? null;
  useEffect(() => {
    if (!conversation || !lastMine) return setSeen(null);
    let cancelled = false;
    void conversation.seenBy(lastMine.id).then((members) => {
      if (cancelled) return;
      if (members.length === 0) return setSeen(null);
      setSeen({ id: lastMine.id, text: props.isGroup ? `Seen by ${members.map((m) => m.name).join(', ')}` : 'Seen' });
    });
    return () => {
      cancelled = true;
    };
  }, [conversation, lastMine, messages, props.isGroup]);

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
      {props.hasOlder ? (
        <button type="button" className="button secondary small load-older" onClick={props.onLoadOlder}>
          Load older messages
        </button>
      ) : null}
      <ol
        ref={list}
        className="messages"
        aria-label="Messages"
        // Scrollable with the keyboard too.
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget;
          const bottom = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
          atBottom.current = bottom;
          setScrolledUp(!bottom);
          if (bottom) {
            setUnseen(false);
            markRead();
          }
        }}
      >
        {messages.map((message, index) => (
          <MessageItem
            key={message.id}
            message={message}
            previous={messages[index - 1] ?? null}
            conversation={conversation}
            myKey={props.myKey}
            original={message.replyTo ? (messages.find((m) => m.id === message.replyTo) ?? null) : null}
            editing={editing === message.id}
            seenText={seen?.id === message.id ? seen.text : null}
            onEdit={(on) => setEditing(on ? message.id : null)}
            onDelete={() => setDeleting(message)}
            onReply={() => props.onReply(message)}
            onJump={(id) => void jumpTo(id)}
          />
        ))}
      </ol>
      {messages.length === 0 ? <p className="chat-empty">{props.emptyText}</p> : null}
      {scrolledUp ? (
        <button type="button" className={unseen ? 'button primary small jump-to-newest' : 'button secondary small jump-to-newest'} onClick={toNewest}>
          Jump to newest
          {unseen ? <span className="jump-new"> · new messages</span> : null}
        </button>
      ) : null}
      <DeleteDialog
        message={deleting}
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          const target = deleting;
          setDeleting(null);
          if (target && conversation) await conversation.delete(target.id);
        }}
      />
    </div>
  );
}
