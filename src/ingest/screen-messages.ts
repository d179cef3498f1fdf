import type { JsonObject } from '../core/index.js';
import type { PreparedMessage } from './group-job.js';
import type { IngestMeta } from './ingest-meta.js';
import type { MessageResult } from './message-result.js';

/** One validated message offered to a {@link MessageScreen}, with the message exactly as the client sent it. */
export interface ScreenInput {
  readonly prepared: PreparedMessage;
  readonly raw: unknown;
}

/**
 * A screen's verdict on one message: `pass` (store as is), `mark` (store with this `context` instead, e.g.
 * the tracking plan's violations added), or `quarantined` (already kept durably elsewhere; store nothing).
 */
export type ScreenVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'mark'; readonly context: JsonObject }
  | { readonly kind: 'quarantined' };

/**
 * A check every validated message passes before it is queued for writing (the tracking plan implements it).
 * It sees a whole `ingest` call at once so it can batch its own writes; a message it quarantines must be durable
 * when `screen` resolves, because the client is then told it was taken.
 */
export interface MessageScreen {
  screen(workspaceId: string, messages: readonly ScreenInput[], meta: IngestMeta): Promise<readonly ScreenVerdict[]>;
}

/**
 * The screening step of ingestion: asks `screen` about the call's validated messages and returns those to
 * write (with their context replaced when marked); quarantined ones get their result here and are not written.
 */
export async function screenMessages(
  screen: MessageScreen,
  workspaceId: string,
  prepared: readonly PreparedMessage[],
  raws: readonly unknown[],
  meta: IngestMeta,
  results: Array<MessageResult | undefined>,
): Promise<PreparedMessage[]> {
  if (prepared.length === 0) return [];
  const verdicts = await screen.screen(workspaceId, prepared.map((p) => ({ prepared: p, raw: raws[p.index] })), meta);
  const kept: PreparedMessage[] = [];
  prepared.forEach((p, i) => {
    const verdict = verdicts[i] ?? { kind: 'pass' };
    switch (verdict.kind) {
      case 'pass':
        kept.push(p);
        return;
      case 'mark':
        kept.push({ ...p, message: { ...p.message, context: verdict.context } });
        return;
      case 'quarantined':
        results[p.index] = { outcome: 'quarantined', type: p.message.type, messageId: p.messageId };
        return;
    }
  });
  return kept;
}
