import { fmtTime } from '../lib/format.js';
import type { ExplainNode } from '../lib/types.js';

function windowText(w: unknown): string | undefined {
  if (!w || typeof w !== 'object') return undefined;
  const { after, upTo } = w as { after: number | null; upTo: number };
  return `window (${after === null ? '−∞' : fmtTime(after)}, ${fmtTime(upTo)}]`;
}

function Evidence({ node }: { node: ExplainNode }) {
  const e = node.evidence;
  const parts: string[] = [];
  const win = windowText(e.window);
  if (win) parts.push(win);
  if (e.kind === 'trait') parts.push(e.present ? `value ${JSON.stringify(e.value)}` : 'trait missing');
  if (e.kind === 'metric') parts.push(`measured ${e.measured === null ? 'undefined' : String(e.measured)}`);
  if (e.kind === 'seen' && typeof e.time === 'number') parts.push(`last seen ${fmtTime(e.time)}`);
  if (e.kind === 'subscription') parts.push(`status ${String(e.status ?? 'unknown')}`);
  const matched = (e.matched ?? undefined) as { total: number; events: { id: string; name: string; time: number }[] } | undefined;
  const events = matched?.events ?? [];
  return (
    <>
      {parts.length > 0 && <div class="evidence">{parts.join(' · ')}</div>}
      {matched && (
        <details class="evidence">
          <summary>
            {matched.total} matching event{matched.total === 1 ? '' : 's'}
          </summary>
          <ul>
            {events.map((ev) => (
              <li key={ev.id}>
                {ev.name} at {fmtTime(ev.time)}
              </li>
            ))}
          </ul>
        </details>
      )}
      {node.nextChange !== undefined && <div class="evidence">can change by itself at {fmtTime(node.nextChange)}</div>}
    </>
  );
}

/** The explanation tree: each condition ✓ or ✗ with its value, window and evidence events. */
export function ExplainTree({ node }: { node: ExplainNode }) {
  return (
    <ul class="explain" aria-label="Why, condition by condition">
      <ExplainItem node={node} />
    </ul>
  );
}

function ExplainItem({ node }: { node: ExplainNode }) {
  return (
    <li class={node.value ? 'holds' : 'fails'}>
      <span class="mark" aria-label={node.value ? 'holds' : 'does not hold'}>
        {node.value ? '✓' : '✗'}
      </span>{' '}
      <code>{node.text}</code>
      <Evidence node={node} />
      {node.children.length > 0 && (
        <ul aria-label={`Parts of ${node.kind}`}>
          {node.children.map((c, i) => (
            <ExplainItem key={i} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}
