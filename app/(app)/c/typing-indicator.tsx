'use client';
// "Ana is typing…": from the encrypted awareness of the open conversation, announced politely.
import { useEffect, useState } from 'react';
import type { OpenConversation } from '../../../lib/client/engine/engine';
import type { TypingMember } from '../../../lib/client/engine/presence';

export function typingText(members: TypingMember[]): string {
  const names = members.map((m) => m.name);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

export function TypingIndicator({ conversation }: { conversation: OpenConversation | null }) {
  const [text, setText] = useState('');
  useEffect(() => {
    if (!conversation) return setText('');
    const read = () => setText(typingText(conversation.typing()));
    read();
    return conversation.subscribe(read);
  }, [conversation]);
  return (
    <p className="typing-indicator" aria-live="polite">
      {text}
    </p>
  );
}
