'use client';
// The messages of one conversation, oldest first, in day sections and runs of one author. Only the rows in view
// are rendered (a virtual list), so a long history scrolls as smoothly as a short one. Bodies are plain text: a
// link stays text and is never fetched or previewed, so nobody learns that the message was read.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { VirtualList, type RowProps, type VirtualListHandle, type VirtualPosition } from '../../_components/virtual-list';
import type { ListedMessage, MessageSurface } from './message-surface';
import { DeleteDialog } from './delete-dialog';
import { MessageItem } from './message-item';

export interface MessageListProps {
  messages: ListedMessage[];
  /** How many messages the whole conversation has; `messages` are its newest. */
  total: number;
  docId: string;
  emptyText: string;
  conversation: MessageSurface | null;
  isGroup: boolean;
  /** My signing key in this conversation, to show which reactions are mine. */
  myKey: string | null;
  hasOlder: boolean;
  onLoadOlder(): void;
  reveal(messageId: string): Promise<boolean>;
  onReply(message: ListedMessage): void;
  /** Open at this message (from a search result) instead of the newest. */
  focusMessageId: string | null;
}

const keyOf = (message: ListedMessage) => message.id;

export function MessageList(props: MessageListProps) {
  const { messages, docId, conversation, hasOlder, onLoadOlder, reveal, onReply, myKey } = props;
  const list = useRef<VirtualListHandle>(null);
  const atBottom = useRef(true);
  const shown = useRef<{ docId: string; newest: string | null } | null>(null);
  // "Load older" is asked once per oldest message shown, however many scroll events arrive meanwhile.
  const olderAskedAt = useRef<string | null>(null);
  const [scrolledUp, setScrolledUp] = useState(false);
  const [unseen, setUnseen] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<ListedMessage | null>(null);
  const [seen, setSeen] = useState<{ id: string; text: string } | null>(null);
  const focusedFor = useRef<string | null>(null);

  const markRead = useCallback(() => {
    const newest = messages.at(-1);
    if (!conversation || !newest || !atBottom.current || document.visibilityState !== 'visible') return;
    void conversation.markRead(newest.id);
  }, [conversation, messages]);

  function toNewest(): void {
    list.current?.toEnd();
    atBottom.current = true;
    setScrolledUp(false);
    setUnseen(false);
    markRead();
  }

  const loadOlder = useCallback(() => {
    const oldest = messages[0]?.id ?? null;
    if (!hasOlder || olderAskedAt.current === oldest) return;
    olderAskedAt.current = oldest;
    onLoadOlder();
  }, [messages, hasOlder, onLoadOlder]);

  const jumpTo = useCallback(
    async (messageId: string) => {
      // Reads older pages until the message is among those listed; the list then renders it and focuses it.
      if (!(await reveal(messageId))) return;
      list.current?.reveal(messageId);
    },
    [reveal],
  );

  const onPosition = useCallback(
    ({ atEnd, nearStart }: VirtualPosition) => {
      atBottom.current = atEnd;
      setScrolledUp(!atEnd);
      if (atEnd) {
        setUnseen(false);
        markRead();
      }
      if (nearStart) loadOlder();
    },
    [markRead, loadOlder],
  );

  // Follow new messages only while the reader is at the bottom (the list stays pinned there) or wrote them.
  useLayoutEffect(() => {
    const newest = messages.at(-1)?.id ?? null;
    const before = shown.current;
    shown.current = { docId, newest };
    if (before?.docId !== docId) {
      // Another conversation: its list starts at the newest message.
      atBottom.current = true;
      olderAskedAt.current = null;
      setScrolledUp(false);
      setUnseen(false);
      return;
    }
    if (!newest || newest === before.newest) return;
    if (messages.at(-1)?.mine) toNewest();
    else if (!atBottom.current) setUnseen(true);
  }, [messages, docId]);

  useEffect(() => {
    markRead();
    const onVisible = () => markRead();
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [markRead]);

  // From a search result: show that message once the conversation is listed (by itself: the recent view shown
  // while it loads cannot reach older messages).
  useEffect(() => {
    const target = props.focusMessageId;
    if (!target || !conversation || messages.length === 0 || focusedFor.current === target) return;
    focusedFor.current = target;
    void jumpTo(target);
  }, [props.focusMessageId, conversation, messages.length, jumpTo]);

  // "Seen": a tick under my last message in a direct conversation, the names in a group.
  const lastMine = useMemo(() => [...messages].reverse().find((m) => m.mine && !m.pending) ?? null, [messages]);
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

  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const renderRow = useCallback(
    (message: ListedMessage, index: number, row: RowProps) => (
      <MessageItem
        key={message.id}
        row={row}
        message={message}
        previous={messages[index - 1] ?? null}
        conversation={conversation}
        myKey={myKey}
        original={message.replyTo ? (byId.get(message.replyTo) ?? null) : null}
        editing={editing === message.id}
        seenText={seen?.id === message.id ? seen.text : null}
        onEdit={(on) => setEditing(on ? message.id : null)}
        onDelete={() => setDeleting(message)}
        onReply={() => onReply(message)}
        onJump={(id) => void jumpTo(id)}
      />
    ),
    [messages, byId, conversation, myKey, editing, seen, onReply, jumpTo],
  );

  return (
    <div className="chat-body">
      {hasOlder ? (
        <button type="button" className="button secondary small load-older" onClick={loadOlder}>
          Load older messages
        </button>
      ) : null}
      <VirtualList
        // A new conversation starts at its newest message, with nothing measured.
        key={docId}
        ref={list}
        items={messages}
        keyOf={keyOf}
        total={Math.max(props.total, messages.length)}
        renderRow={renderRow}
        label="Messages"
        className="messages"
        onPosition={onPosition}
      />
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
