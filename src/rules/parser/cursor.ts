import type { Span } from '../ast/index.js';
import { diagnostic, type Diagnostic, type DiagnosticCode, type DiagnosticExtras } from '../diagnostics.js';
import { describeToken, type Punct, type Token } from './token.js';

/** Thrown inside the parser after an error has been recorded; caught at the next sync point. Never escapes. */
export class SyntaxFailure {
  readonly tag = 'syntax-failure';
}

/** Thrown when nesting exceeds the limit; aborts the whole parse. Never escapes. */
export class NestingTooDeep {
  readonly tag = 'nesting-too-deep';
}

/** The largest nesting of parentheses, `not` and filter groups a rule may have. */
export const MAX_NESTING_DEPTH = 64;

/** A position in the token stream with the diagnostics gathered so far; shared by all parse functions. */
export class Cursor {
  private pos = 0;
  private depth = 0;
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  /** The current token (the final `eof` token once the input is exhausted). */
  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token;
  }

  /** Consumes and returns the current token (never moves past `eof`). */
  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  /** The span from `start` to the end of the last consumed token. */
  spanFrom(start: Token | Span): Span {
    const s = 'span' in start ? start.span : start;
    const prev = this.tokens[this.pos - 1];
    const end = prev && prev.span.offset >= s.offset ? prev.span.offset + prev.span.length : s.offset + s.length;
    return { offset: s.offset, length: end - s.offset, line: s.line, column: s.column };
  }

  /** True when the current token is the identifier `word` (keywords are case-sensitive). */
  atWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'ident' && t.text === word;
  }

  /** True when the current token is the punctuation `p`. */
  atPunct(p: Punct, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'punct' && t.text === p;
  }

  /** Consumes the identifier `word` if it is next. */
  acceptWord(word: string): boolean {
    if (!this.atWord(word)) return false;
    this.next();
    return true;
  }

  /** Consumes the punctuation `p` if it is next. */
  acceptPunct(p: Punct): boolean {
    if (!this.atPunct(p)) return false;
    this.next();
    return true;
  }

  /** Consumes the identifier `word` or fails with "expected …". */
  expectWord(word: string, hint?: string): Token {
    if (this.atWord(word)) return this.next();
    return this.failExpected(`"${word}"`, hint);
  }

  /** Consumes the punctuation `p` or fails with "expected …". */
  expectPunct(p: Punct, hint?: string): Token {
    if (this.atPunct(p)) return this.next();
    return this.failExpected(`"${p}"`, hint);
  }

  /** Records "Expected {what} but found {current}" at the current token and fails. */
  failExpected(what: string, hint?: string): never {
    return this.fail('RULE1007', [what, describeToken(this.peek())], { hint });
  }

  /**
   * Records a diagnostic at the current token (or `extras.span`) and fails. A token the lexer already
   * reported (`bad`) fails silently, so one mistake yields one message.
   */
  fail(code: DiagnosticCode, args: readonly string[], extras: DiagnosticExtras = {}): never {
    const t = this.peek();
    if (!t.bad) this.report(code, args, { ...extras, span: extras.span ?? t.span });
    else if (this.pos < this.tokens.length - 1) this.pos++;
    throw new SyntaxFailure();
  }

  /** Records a diagnostic without failing. */
  report(code: DiagnosticCode, args: readonly string[], extras: DiagnosticExtras): void {
    this.diagnostics.push(diagnostic(code, args, extras));
  }

  /** Enters one level of nesting; aborts the parse past {@link MAX_NESTING_DEPTH}. */
  enter(): void {
    this.depth++;
    if (this.depth > MAX_NESTING_DEPTH) {
      this.report('RULE1016', [String(MAX_NESTING_DEPTH)], { span: this.peek().span });
      throw new NestingTooDeep();
    }
  }

  /** Leaves one level of nesting. */
  leave(): void {
    this.depth--;
  }

  /**
   * Error recovery: skips tokens until, outside any brackets opened while skipping, one of `stopWords` or
   * a closing `)` / `]` / `,` listed in `stopPuncts`, or the end. Returns without consuming the stop token.
   */
  skipUntil(stopWords: readonly string[], stopPuncts: readonly Punct[]): void {
    let nested = 0;
    for (;;) {
      const t = this.peek();
      if (t.type === 'eof') return;
      if (nested === 0) {
        if (t.type === 'ident' && stopWords.includes(t.text)) return;
        if (t.type === 'punct' && stopPuncts.includes(t.text)) return;
      }
      if (t.type === 'punct' && (t.text === '(' || t.text === '[')) nested++;
      if (t.type === 'punct' && (t.text === ')' || t.text === ']')) {
        if (nested === 0) return;
        nested--;
      }
      this.next();
    }
  }
}
