/** A region of rule source text. Lines and columns are 1-based; `offset` is the 0-based UTF-16 index. */
export interface Span {
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

/** Every node may remember where it came from; spans are never part of a node's meaning. */
export interface Spanned {
  readonly span?: Span;
}
