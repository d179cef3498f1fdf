/**
 * @module
 * Read-side queries the admin API needs and the store's repositories do not offer, each written once for both
 * dialects: {@link PeopleDirectorySql} (many profile ids → userId and email at once, people search, a person's
 * current segments) and {@link SegmentVersionsSql} (a segment's rule versions, for diffs).
 */
export type { Contact, CurrentSegment, PersonHit } from './people-directory-sql.js';
export { PeopleDirectorySql } from './people-directory-sql.js';
export type { SegmentVersion } from './segment-versions-sql.js';
export { SegmentVersionsSql } from './segment-versions-sql.js';
