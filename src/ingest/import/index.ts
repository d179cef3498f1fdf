/**
 * @module
 * Bulk import of history: sources that turn files into Segment-spec messages (Segment JSONL, CSV with a
 * column mapping, and the two real data sets segflow ships demos on: UCI Online Retail and OTTO sessions),
 * and a driver that streams them through the same ingestion pipeline as the HTTP API, in batches.
 */
export type { ColumnRef, ColumnType, CsvMapping } from './csv-source.js';
export { checkCsvMapping, csvSource } from './csv-source.js';
export type { ImportLineError, ImportRecord, ImportSource } from './import-record.js';
export { isLineError } from './import-record.js';
export { jsonlSource } from './jsonl-source.js';
export { onlineRetailSource } from './online-retail-source.js';
export { ottoSource } from './otto-source.js';
export type { BatchOutcome, ImportOptions, ImportProgress, ImportRejection, ImportSummary, IngestBatch } from './run-import.js';
export { latestTimestamp, runImport, shiftTimestamp } from './run-import.js';
