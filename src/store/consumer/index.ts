/**
 * @module
 * The one downstream consumer of segflow's logs: {@link LogConsumer} (a durable cursor moved in the transaction of
 * each batch's effects, claimed so that several processes never apply a batch twice) and {@link ConsumerLoop}
 * (coalesced wake-ups, optional polling, gated on `isActive` — the engine lease — where the consumer writes).
 */
export type { ConsumerLoopOptions } from './consumer-loop.js';
export { ConsumerLoop } from './consumer-loop.js';
export { CursorTable } from './cursor-table.js';
export type { ConsumableLog, ConsumerDb, ConsumerStep, LogConsumerOptions } from './log-consumer.js';
export { eventLogOf, inSql, inStore, LogConsumer } from './log-consumer.js';
