import { useMemo, useRef, useState } from 'preact/hooks';
import { completionAt, type Completion } from '../lib/completion.js';
import { highlight } from '../lib/highlight.js';
import type { Catalog, Diagnostic } from '../lib/types.js';

/** Props of {@link RuleEditor}. */
export interface RuleEditorProps {
  readonly value: string;
  readonly onInput: (text: string) => void;
  readonly diagnostics: readonly Diagnostic[];
  readonly catalog: Catalog | undefined;
  /** True while the diagnostics are for an older text (a check is in flight). */
  readonly checking: boolean;
}

/**
 * The rule text editor: a plain `<textarea>` (so typing, selection, undo and screen readers behave as
 * everywhere) over a highlighted copy of the text, where each diagnostic underlines its exact characters.
 * Below: the diagnostics as a list (`line:column CODE message`), and a completion list of names seen in the
 * data, driven by the keyboard (↑ ↓ to choose, Enter or Tab to insert, Escape to close).
 */
export function RuleEditor({ value, onInput, diagnostics, catalog, checking }: RuleEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const shadow = useRef<HTMLPreElement>(null);
  const [completion, setCompletion] = useState<Completion | undefined>();
  const [active, setActive] = useState(0);
  const pieces = useMemo(() => highlight(value, diagnostics), [value, diagnostics]);

  const refreshCompletion = (text: string, caret: number): void => {
    setCompletion(completionAt(text, caret, catalog));
    setActive(0);
  };

  const accept = (index: number): void => {
    const c = completion;
    const el = area.current;
    if (!c || !el) return;
    const option = c.options[index];
    if (!option) return;
    const next = value.slice(0, c.from) + option.insert + value.slice(c.to);
    onInput(next);
    setCompletion(undefined);
    const caret = c.from + option.insert.length;
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(caret, caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    if (!completion) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % completion.options.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + completion.options.length) % completion.options.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      accept(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setCompletion(undefined);
    }
  };

  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return (
    <div class="rule-editor">
      <div class="editor-stack">
        <pre class="editor-shadow" ref={shadow} aria-hidden="true">
          {pieces.map((p, i) =>
            p.diag === undefined ? (
              <span key={i} class={p.cls}>
                {p.text}
              </span>
            ) : (
              <mark key={i} class={`${p.cls} diag diag-${p.severity}${p.text === '' ? ' diag-point' : ''}`} data-diagnostic={diagnostics[p.diag]?.code}>
                {p.text}
              </mark>
            ),
          )}
          {'\n'}
        </pre>
        <textarea
          ref={area}
          id="rule-text"
          aria-label="Rule"
          aria-describedby="rule-diagnostics"
          aria-autocomplete="list"
          aria-controls="rule-completions"
          aria-expanded={completion ? 'true' : 'false'}
          aria-activedescendant={completion ? `completion-${active}` : undefined}
          aria-invalid={errors > 0 ? 'true' : 'false'}
          spellcheck={false}
          autocomplete="off"
          value={value}
          rows={Math.max(4, value.split('\n').length + 1)}
          onInput={(e) => {
            const el = e.currentTarget;
            onInput(el.value);
            refreshCompletion(el.value, el.selectionStart);
          }}
          onKeyDown={onKeyDown}
          onScroll={(e) => {
            if (shadow.current) shadow.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onBlur={() => setTimeout(() => setCompletion(undefined), 150)}
        />
      </div>
      {completion && (
        <ul id="rule-completions" role="listbox" aria-label="Names seen in the data" class="completions">
          {completion.options.map((o, i) => (
            <li
              key={o.label}
              id={`completion-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(i);
              }}
            >
              {o.label} <span class="muted">{o.detail}</span>
            </li>
          ))}
        </ul>
      )}
      <div id="rule-diagnostics" aria-live="polite">
        {diagnostics.length === 0 ? (
          <p class="muted">{checking ? 'Checking…' : value.trim() === '' ? 'Write a rule, e.g. performed("Order Completed", within 30d).' : 'No problems found.'}</p>
        ) : (
          <ul class="diagnostics" aria-label="Problems">
            {diagnostics.map((d, i) => (
              <li key={i} class={`diag-${d.severity}`}>
                <span class="where">{d.line === undefined ? '' : `${d.line}:${d.column}`}</span> <code>{d.code}</code> {d.severity}: {d.message}
                {d.hint && <div class="muted">{d.hint}</div>}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
