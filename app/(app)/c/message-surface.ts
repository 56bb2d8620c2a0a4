// What the message list and composer need from what is on screen: an open conversation or an open thread.
import type { ClientResult } from '../../../lib/client/client-errors';
import type { ConversationActions } from '../../../lib/client/engine/conversation-actions';
import type { ThreadPost } from '../../../lib/client/engine/open-thread';

/** A message as listed: a conversation's also says whether its author is blocked here. */
export type ListedMessage = ThreadPost & { blockedAuthor?: boolean };

export interface MessageSurface extends ConversationActions {
  send(body: string): Promise<ClientResult<string>>;
  /** One message outside the loaded window (conversations load a window; a thread is read whole). */
  message?(messageId: string): Promise<ListedMessage | null>;
  /** Typing indicators exist in conversations only. */
  setTyping?(typing: boolean): void;
}
