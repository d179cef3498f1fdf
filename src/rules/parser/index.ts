/**
 * @module
 * The rule text parser: a hand-written lexer and recursive-descent parser with error recovery.
 * `safeParseRule` never throws and returns every diagnostic; `parseRule` throws a `RuleSyntaxError`.
 * Input size ({@link MAX_RULE_LENGTH}) and nesting depth ({@link MAX_NESTING_DEPTH}) are bounded.
 */
export { MAX_NESTING_DEPTH } from './cursor.js';
export { MAX_RULE_LENGTH, parseRule, safeParseRule } from './parse-rule.js';
export type { ParseResult } from './parse-rule.js';
export { RuleSyntaxError } from './rule-syntax-error.js';
export { RESERVED_WORDS } from './keywords.js';
export { lex } from './lexer.js';
export type { LexResult } from './lexer.js';
export type { Token } from './token.js';
