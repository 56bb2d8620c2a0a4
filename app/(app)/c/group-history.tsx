'use client';
// Who added or removed whom, read from the signed membership records on this device.
import { useEffect, useState } from 'react';
import type { DeviceEngine } from '../../../lib/client/engine-host';
import type { MembershipEvent } from '../../../lib/client/engine/group-history';
import { TimeText } from '../../_components/time-text';

function describe(event: MembershipEvent): string {
  const actor = event.actor.name;
  const subjects = event.subjects.map((s) => s.name).join(', ');
  switch (event.action) {
    case 'create':
      return subjects ? `${actor} created the group with ${subjects}` : `${actor} created the group`;
    case 'add':
      return `${actor} added ${subjects}`;
    case 'remove':
      return `${actor} removed ${subjects}`;
    case 'leave':
      return `${actor} left`;
  }
}

export function GroupHistory({ engine, docId, members }: { engine: DeviceEngine; docId: string; members: number }) {
  const [events, setEvents] = useState<MembershipEvent[] | null>(null);
  useEffect(() => {
    let cancelled = false;
    void engine.history(docId).then((result) => {
      if (!cancelled) setEvents(result.ok ? result.value : []);
    });
    return () => {
      cancelled = true;
    };
  }, [engine, docId, members]);

  return (
    <section className="group-history" aria-label="Group history">
      <h3>History</h3>
      {events === null ? (
        <p className="muted small">Reading the history…</p>
      ) : events.length === 0 ? (
        <p className="muted small">No changes yet.</p>
      ) : (
        <ol className="history-list">
          {events.map((event) => (
            <li key={event.seq} className={event.accepted && event.verified ? '' : 'problem'}>
              <TimeText className="muted small" at={event.at} withTime /> {describe(event)}
              {event.verified ? null : <span className="mark unverified"> Unverified</span>}
              {event.accepted ? null : <span className="muted small"> (not applied)</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
