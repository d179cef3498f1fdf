import type { ImportLineError, ImportRecord, ImportSource } from './import-record.js';
import { readJsonLines } from './read-lines.js';

/**
 * Segment-spec JSONL: one message per line (`{"type":"track","userId":…,"event":…}`), as `analytics.js`
 * and Segment's own exports write them. Blank lines are skipped; a line that is not a JSON object is reported
 * and skipped. Messages are not validated here: the ingestion pipeline validates every one of them.
 */
export function jsonlSource(file: string): ImportSource {
  return {
    label: `Segment JSONL ${file}`,
    async *records(): AsyncIterable<ImportRecord | ImportLineError> {
      for await (const item of readJsonLines(file)) {
        if ('message' in item) {
          yield item;
          continue;
        }
        const { line, value: parsed } = item;
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          yield { line, message: 'each line must be one JSON object (a Segment message)' };
          continue;
        }
        yield { line, message: parsed as Record<string, unknown> };
      }
    },
  };
}
