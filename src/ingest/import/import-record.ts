/** One Segment-spec message produced by an import source, with where it came from (for error reports). */
export interface ImportRecord {
  readonly message: Record<string, unknown>;
  /** 1-based line (JSONL) or row (CSV, header excluded) the message was built from; the first one when grouped. */
  readonly line: number;
}

/** A problem with one input line that made it impossible to build a message; the import goes on without it. */
export interface ImportLineError {
  readonly line: number;
  readonly message: string;
}

/** A source of messages: records to import, and line errors found while reading. */
export interface ImportSource {
  /** What this source reads, for progress output ("online-retail CSV"). */
  readonly label: string;
  records(): AsyncIterable<ImportRecord | ImportLineError>;
}

/** Tells a line error from a record. */
export function isLineError(x: ImportRecord | ImportLineError): x is ImportLineError {
  return typeof x.message === 'string';
}
