/**
 * @module
 * The ingestion writer thread's code: opens its own connection to the SQLite file (the main thread's store
 * already applied the migrations) and commits each group it is sent with {@link StoreGroupWriter}, replying
 * after the COMMIT. It keeps nothing between groups, as the in-thread writer keeps nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from '../../store/index.js';
import { StoreGroupWriter } from '../group-writer.js';
import { toWireError, type WriterReply, type WriterRequest, type WriterWorkerData } from './writer-protocol.js';

const port = parentPort;
if (!port) throw new Error('writer-worker runs only as a worker thread');
const data = workerData as WriterWorkerData;
const store = await openSqliteStore({ file: data.file, synchronous: data.synchronous, migrate: false });
const writer = new StoreGroupWriter(store);
const reply = (message: WriterReply): void => port.postMessage(message);

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'close') {
    void store.close().finally(() => {
      reply({ kind: 'closed' });
      port.close();
    });
    return;
  }
  writer.write(request.jobs, request.now).then(
    (result) => reply({ kind: 'written', id: request.id, result }),
    (error: unknown) => reply({ kind: 'failed', id: request.id, error: toWireError(error) }),
  );
});
reply({ kind: 'ready' });
