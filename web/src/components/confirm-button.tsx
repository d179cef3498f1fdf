import { useState } from 'preact/hooks';
import { ApiError } from '../lib/api.js';

/**
 * A button that asks before it acts: the first click opens an inline confirmation (what will happen, in words)
 * with the real action and Cancel; the action's error, if any, is shown in place with its stable code.
 */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  danger,
  onConfirm,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const id = `confirm-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      setOpen(false);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message} (${err.code})` : String(err));
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return (
      <button type="button" class={danger ? 'danger' : undefined} onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  }
  return (
    <div class="confirm" role="alertdialog" aria-labelledby={id}>
      <p id={id}>{question}</p>
      <div class="actions">
        <button type="button" class={danger ? 'danger primary-danger' : 'primary'} disabled={busy} onClick={run}>
          {confirmLabel}
        </button>
        <button type="button" disabled={busy} onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
