import { Readable } from 'node:stream';
import type { SegmentService } from '../../engine/index.js';
import type { PeopleDirectorySql } from '../../monitor/index.js';

const PAGE = 1000;

/** One CSV field, quoted when it holds a comma, quote or line break (RFC 4180), and defused against formula injection. */
export function csvField(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  // A spreadsheet would run a cell starting with = + - @ as a formula: prefix it so it stays text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Every member of a segment as CSV (`profileId,userId,email,since`), produced page by page as the client reads
 * it: memory stays at one page however large the segment, and a slow client slows the reads, not the server.
 */
export function membersCsv(segments: SegmentService, people: PeopleDirectorySql | undefined, workspaceId: string, segmentRef: string): Readable {
  async function* rows(): AsyncGenerator<string> {
    yield 'profileId,userId,email,since\r\n';
    let after: string | undefined;
    for (;;) {
      const page = await segments.members(workspaceId, segmentRef, after === undefined ? { limit: PAGE } : { limit: PAGE, after });
      if (!page.ok) return;
      const contacts = people ? await people.contactsOf(workspaceId, page.value.members.map((m) => m.profileId)) : undefined;
      let chunk = '';
      for (const m of page.value.members) {
        const c = contacts?.get(m.profileId);
        chunk += `${csvField(m.profileId)},${csvField(c?.userId)},${csvField(c?.email)},${new Date(m.since).toISOString()}\r\n`;
      }
      if (chunk !== '') yield chunk;
      if (page.value.next === null) return;
      after = page.value.next;
    }
  }
  return Readable.from(rows(), { objectMode: false });
}
