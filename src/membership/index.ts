/**
 * @module
 * Current segment members and the append-only log of entered/exited changes: the outbox that every
 * downstream consumer reads by cursor.
 */
export type { ChangeLog } from './change-log.js';
