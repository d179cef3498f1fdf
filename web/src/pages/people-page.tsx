import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ErrorBox, Loading } from '../components/states.js';
import { seg } from '../lib/api.js';
import { fmtAgo } from '../lib/format.js';
import { useApi, useDebounced } from '../lib/use-api.js';
import type { PersonHit } from '../lib/types.js';

/** People search: by userId, anonymousId, email, profile id, `trait=value` or any trait value. */
export function PeoplePage() {
  const [q, setQ] = useState(() => new URLSearchParams(location.search).get('q') ?? '');
  const query = useDebounced(q.trim(), 250);
  const hits = useApi<{ people: PersonHit[] }>(query === '' ? null : `/api/profiles?q=${seg(query)}&limit=50`);
  return (
    <>
      <h1>People</h1>
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="people-search">Search people</label>
        <input
          id="people-search"
          type="search"
          value={q}
          placeholder="userId, email, anonymousId, or city=Paris"
          onInput={(e) => {
            setQ(e.currentTarget.value);
            history.replaceState(null, '', `?q=${encodeURIComponent(e.currentTarget.value)}`);
          }}
        />
      </form>
      {query === '' && <p class="muted">Type an identifier, an email, or trait=value (e.g. country=France).</p>}
      {hits.error && <ErrorBox error={hits.error} retry={hits.reload} />}
      {hits.loading && <Loading what="people" />}
      {hits.data && hits.data.people.length === 0 && !hits.loading && <p class="muted">Nobody matches "{query}".</p>}
      {hits.data && hits.data.people.length > 0 && (
        <table class="table" aria-label="People found">
          <thead>
            <tr>
              <th scope="col">User ID</th>
              <th scope="col">Email</th>
              <th scope="col">Anonymous ID</th>
              <th scope="col">Matched</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {hits.data.people.map((p) => (
              <tr key={p.profileId}>
                <td>
                  <Link href={`/people/${seg(p.profileId)}`}>{p.userId ?? p.profileId}</Link>
                </td>
                <td>{p.email ?? '—'}</td>
                <td>{p.anonymousId ?? '—'}</td>
                <td>{p.matchedBy}</td>
                <td>{fmtAgo(p.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
