import { parse } from 'csv-parse';
import { openInput } from './read-lines.js';

/** One CSV data row as column name → raw text, with its 1-based row number (header excluded). */
export interface CsvRow {
  readonly row: number;
  readonly values: Readonly<Record<string, string>>;
}

/** Streams the data rows of a CSV file with a header line (RFC 4180 quoting; `.gz` gunzipped). */
export async function* readCsvRows(file: string): AsyncIterable<CsvRow> {
  const parser = openInput(file).pipe(
    parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false }),
  );
  let row = 0;
  for await (const values of parser as AsyncIterable<Record<string, string>>) {
    row++;
    yield { row, values };
  }
}
