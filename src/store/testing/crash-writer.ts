/**
 * @module
 * A child process for crash tests: opens the SQLite store at argv[2] and appends batches of 10 events in
 * transactions forever, printing `committed <batch>` on stdout after each commit returns. The parent kills it
 * with SIGKILL at some point and checks that every batch it saw acknowledged is in the file.
 *
 *   node --import tsx src/store/testing/crash-writer.ts FILE
 */
import type { NewEvent } from '../../core/index.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';

const file = process.argv[2];
if (!file) throw new Error('usage: crash-writer FILE');
const store = await openSqliteStore({ file });
for (let batch = 0; ; batch++) {
  const events: NewEvent[] = Array.from({ length: 10 }, (_, i) => ({
    workspaceId: 'ws_default',
    messageId: `b${batch}-e${i}`,
    profileId: `prof_${i}`,
    type: 'track',
    name: 'Crash Test',
    userId: `u${i}`,
    anonymousId: null,
    timestamp: batch,
    receivedAt: batch,
    properties: { batch, i },
    traits: {},
    context: {},
  }));
  await store.transaction((tx) => tx.events.append(events));
  process.stdout.write(`committed ${batch}\n`);
}
