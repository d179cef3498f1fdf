import { useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken } from '../lib/api.js';

/** The sign-in form: an admin key exchanged for a session cookie. */
export function SignInPage({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api<{ csrfToken: string }>('POST', '/api/session', { key });
      setCsrfToken(session.csrfToken);
      setKey('');
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>segflow</h1>
      <p class="muted">Real-time segments for email marketing.</p>
      {notice && (
        <p role="status" class="notice">
          {notice}
        </p>
      )}
      <form onSubmit={submit} aria-label="Sign in">
        <label for="admin-key">Admin key</label>
        <input
          id="admin-key"
          type="password"
          autocomplete="current-password"
          value={key}
          required
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby={error ? 'sign-in-error' : 'sign-in-help'}
        />
        <p id="sign-in-help" class="muted">
          The admin key (sfa_…) printed by the first <code>npm start</code>, or SEGFLOW_ADMIN_KEY.
        </p>
        {error && (
          <p id="sign-in-error" role="alert" class="error-text">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
