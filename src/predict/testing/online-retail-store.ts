/**
 * The UCI Online Retail data (../shared/data) imported through the real ingestion pipeline into a store, for
 * the prediction tests and the bench. Test and bench support only; production never imports it.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IngestService, onlineRetailSource, runImport } from '../../ingest/index.js';
import type { Store } from '../../store/index.js';

/** Where the shared data sets are, from this file. */
export const SHARED_DATA = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');

/** The Online Retail file (December 2010 – June 2011). */
export const ONLINE_RETAIL = join(SHARED_DATA, 'online-retail-2010-12-to-2011-06.csv.gz');

/** Imports Online Retail into the store's default workspace; returns the workspace id and how many messages were stored. */
export async function importOnlineRetail(store: Store, receivedAt = Date.UTC(2011, 6, 1)): Promise<{ workspaceId: string; accepted: number }> {
  const workspace = await store.workspaces.ensureDefault(receivedAt);
  const ingest = new IngestService(store);
  try {
    const summary = await runImport(
      onlineRetailSource(ONLINE_RETAIL),
      async (messages) => {
        const result = await ingest.ingest(workspace.id, messages, { receivedAt, source: 'test:online-retail', fieldOf: (i) => `message[${i}]` });
        return { accepted: result.accepted, duplicates: result.duplicates, rejected: [] };
      },
      { batchSize: 1000 },
    );
    return { workspaceId: workspace.id, accepted: summary.accepted };
  } finally {
    await ingest.drain();
  }
}
