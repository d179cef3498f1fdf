/**
 * @module
 * A stand-in writer thread for tests of {@link ThreadGroupWriter}'s recovery: it speaks the writer protocol,
 * dies (`process.exit` of the worker) on a group whose first job is for workspace `ws_die`, and answers any
 * other group with empty outcomes and `lastSeq` = the number of jobs, without touching a database.
 */
import { parentPort } from 'node:worker_threads';
import type { WriterReply, WriterRequest } from '../writer-protocol.js';

const port = parentPort!;
const reply = (message: WriterReply): void => port.postMessage(message);
port.on('message', (request: WriterRequest) => {
  if (request.kind === 'close') {
    reply({ kind: 'closed' });
    port.close();
    return;
  }
  if (request.jobs[0]?.workspaceId === 'ws_die') process.exit(3);
  reply({ kind: 'written', id: request.id, result: { outcomes: request.jobs.map(() => new Map()), lastSeq: request.jobs.length } });
});
reply({ kind: 'ready' });
