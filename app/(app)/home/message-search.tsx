'use client';
// Search across every conversation, on this device (the index is sealed in IndexedDB), so it works offline.
// A result opens the conversation at the message.
import Link from 'next/link';
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { SearchResult } from '../../../lib/client/engine/search-store';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { TimeText } from '../../_components/time-text';

const LIMIT = 50;

function Highlighted({ result }: { result: SearchResult }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [i, h] of result.highlights.entries()) {
    if (h.start < at) continue;
    parts.push(result.snippet.slice(at, h.start));
    parts.push(<mark key={i}>{result.snippet.slice(h.start, h.end)}</mark>);
    at = h.end;
  }
  parts.push(result.snippet.slice(at));
  return <>{parts}</>;
}

export function MessageSearch({ engine }: { engine: DeviceEngine }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const statusId = useId();

  useEffect(() => {
    const wanted = query.trim();
    if (wanted === '') return setResults(null);
    let cancelled = false;
    void engine.search(wanted, { limit: LIMIT }).then(
      (found) => {
        if (!cancelled) setResults(found);
      },
      () => {
        if (!cancelled) setResults([]);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [engine, query]);

  const titleOf = (docId: string) => engine.conversations.list().find((c) => c.id === docId)?.title ?? 'Conversation';

  return (
    <search className="message-search">
      <input
        type="search"
        className="input"
        aria-label="Search messages"
        placeholder="Search messages"
        value={query}
        aria-describedby={statusId}
        onChange={(event) => setQuery(event.target.value)}
        autoComplete="off"
      />
      <p id={statusId} className="muted small" aria-live="polite">
        {results === null ? '' : results.length === 0 ? 'No messages found on this device.' : `${results.length}${results.length === LIMIT ? '+' : ''} found`}
      </p>
      {results && results.length > 0 ? (
        <ul className="search-results" aria-label="Search results">
          {results.map((result) => (
            <li key={`${result.docId}:${result.messageId}`}>
              <Link className="search-result" href={`/c/?id=${encodeURIComponent(result.docId)}&m=${encodeURIComponent(result.messageId)}`}>
                <span className="conversation-top">
                  <span className="conversation-title">{titleOf(result.docId)}</span>
                  <TimeText className="conversation-time" at={result.sentAt} />
                </span>
                <span className="conversation-preview">
                  {result.authorName}: <Highlighted result={result} />
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : null}
    </search>
  );
}
