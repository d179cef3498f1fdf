/**
 * Which events a backfill reads: the store's {@link EventSelection} (the history reads themselves are
 * `EventRepo.historiesOf` and `EventRepo.scanHistories`).
 */
export type { EventSelection } from '../../store/index.js';
