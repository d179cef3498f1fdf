import { assertNever } from '../../core/index.js';
import type { DurationUnit, Span } from '../ast/index.js';

/** Punctuation and operators of the rule language. */
export type Punct = '(' | ')' | '[' | ']' | ',' | '.' | '/' | '=' | '!=' | '<' | '<=' | '>' | '>=';

/** One lexical token. `bad` marks a token the lexer already reported: the parser recovers without a second message. */
export type Token =
  | { readonly type: 'ident'; readonly text: string; readonly span: Span; readonly bad?: true }
  | { readonly type: 'quoted_ident'; readonly value: string; readonly span: Span; readonly bad?: true }
  | { readonly type: 'string'; readonly value: string; readonly span: Span; readonly bad?: true }
  | { readonly type: 'number'; readonly value: number; readonly percent: boolean; readonly text: string; readonly span: Span; readonly bad?: true }
  | { readonly type: 'duration'; readonly amount: number; readonly unit: DurationUnit; readonly text: string; readonly span: Span; readonly bad?: true }
  | { readonly type: 'date'; readonly value: string; readonly span: Span; readonly bad?: true }
  | { readonly type: 'punct'; readonly text: Punct; readonly span: Span; readonly bad?: true }
  | { readonly type: 'eof'; readonly span: Span; readonly bad?: true };

/** How a token reads in a message: `"and"`, `")"`, `the end of the rule`. */
export function describeToken(t: Token): string {
  switch (t.type) {
    case 'ident':
      return `"${t.text}"`;
    case 'quoted_ident':
      return `\`${t.value}\``;
    case 'string':
      return `the string ${JSON.stringify(t.value)}`;
    case 'number':
      return `the number ${t.text}`;
    case 'duration':
      return `the duration ${t.text}`;
    case 'date':
      return `the date ${t.value}`;
    case 'punct':
      return `"${t.text}"`;
    case 'eof':
      return 'the end of the rule';
    default:
      return assertNever(t);
  }
}

