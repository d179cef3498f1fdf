import { useEffect, useRef } from 'preact/hooks';
import type { Change } from './types.js';

/**
 * Follows `/api/changes/stream` (EventSource sends the session cookie) and hands the changes to `onChanges`
 * in batches at most every `throttleMs`, so a busy stream re-renders a few times a second, not per change.
 * `segment` limits it to one segment (id or name); null follows all.
 */
export function useChangeStream(segment: string | null, onChanges: (changes: Change[]) => void, throttleMs = 500): void {
  const handler = useRef(onChanges);
  handler.current = onChanges;
  useEffect(() => {
    const url = `/api/changes/stream${segment === null ? '' : `?segment=${encodeURIComponent(segment)}`}`;
    const source = new EventSource(url);
    let pending: Change[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = (): void => {
      timer = undefined;
      const batch = pending;
      pending = [];
      if (batch.length > 0) handler.current(batch);
    };
    source.onmessage = (e: MessageEvent<string>) => {
      pending.push(JSON.parse(e.data) as Change);
      timer ??= setTimeout(flush, throttleMs);
    };
    return () => {
      source.close();
      if (timer) clearTimeout(timer);
    };
  }, [segment, throttleMs]);
}
