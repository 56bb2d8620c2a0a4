'use client';
// Find communities: the public directory, searched by name. It holds only what owners chose to publish (a name
// and a description); joining still takes an invitation, by link or by handle, from someone inside.
import Link from 'next/link';
import { useEffect, useState, type FormEvent } from 'react';
import type { DirectoryResult } from '../../../lib/client/engine/community-discovery';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import { useOnline } from '../../_components/client-context';
import { errorText } from '../../_components/error-text';
import { ErrorAlert, StatusNotice } from '../../_components/notice';

export function DirectorySearch({ engine }: { engine: DeviceEngine }) {
  const online = useOnline();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<DirectoryResult[] | null>(null);
  const [searched, setSearched] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function search(text: string) {
    setBusy(true);
    setError(null);
    const found = await engine.discovery.search(text);
    setBusy(false);
    if (!found.ok) return setError(errorText(found.code));
    setResults(found.value);
    setSearched(text.trim());
  }

  // Opening the section lists what is there, so a person can browse before typing.
  useEffect(() => {
    void search('');
  }, [engine]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!busy) void search(query);
  }

  return (
    <section className="card directory" aria-labelledby="directory-title">
      <h2 id="directory-title">Find communities</h2>
      <p className="small muted">
        Communities whose owners chose to list them. Only their name and description are public; everything inside stays
        end-to-end encrypted.
      </p>
      {online ? null : <p className="notice warning">You need a connection to search the directory.</p>}
      <form role="search" onSubmit={submit} className="input-with-button directory-form">
        <input
          type="search"
          aria-label="Search the directory"
          placeholder="Search by name"
          value={query}
          maxLength={100}
          autoComplete="off"
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit" className="button secondary" disabled={busy}>
          Search
        </button>
      </form>
      <ErrorAlert message={error} />
      <StatusNotice busy={busy}>{busy ? 'Searching…' : results ? resultsText(results.length, searched) : null}</StatusNotice>
      {results && results.length > 0 ? (
        <ul className="community-list" aria-label="Directory results">
          {results.map((c) => (
            <li key={c.communityId} className="directory-item">
              <span className="community-name">{c.name}</span>
              {c.description ? <span className="community-description">{c.description}</span> : null}
              <span className="muted small">
                {c.memberCount} {c.memberCount === 1 ? 'member' : 'members'}
              </span>
              {c.mine ? (
                <Link href={`/community/?id=${encodeURIComponent(c.communityId)}`} className="button secondary small" aria-label={`Open ${c.name}`}>
                  Open
                </Link>
              ) : (
                <span className="small">To join, ask a member for an invite link, or to invite you by your handle.</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function resultsText(count: number, query: string): string {
  const what = query ? `matching “${query}”` : 'listed';
  if (count === 0) return query ? `No listed community matches “${query}”.` : 'No community is listed yet.';
  return `${count} ${count === 1 ? 'community' : 'communities'} ${what}.`;
}
