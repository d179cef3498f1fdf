import type { ImportLineError, ImportRecord, ImportSource } from './import-record.js';
import { readJsonLines } from './read-lines.js';

const EVENT_NAMES: Readonly<Record<string, string>> = {
  clicks: 'Product Viewed',
  carts: 'Product Added',
  orders: 'Order Completed',
};

/**
 * OTTO recsys sessions (`{"session": n, "events": [{"aid", "ts", "type": "clicks"|"carts"|"orders"}]}` per
 * line) as e-commerce spec events of user `otto-<session>`: clicks → `Product Viewed`, carts →
 * `Product Added`, orders → `Order Completed`, each with `product_id` = aid (as a string); an order row is one
 * ordered product, with `order_id` `otto-<session>-<ts>` grouping the products bought together. Message ids are
 * `otto:<session>:<index>`, so a re-run stores nothing twice.
 */
export function ottoSource(file: string): ImportSource {
  return {
    label: `OTTO sessions ${file}`,
    async *records(): AsyncIterable<ImportRecord | ImportLineError> {
      for await (const item of readJsonLines(file)) {
        if ('message' in item) {
          yield item;
          continue;
        }
        const { line } = item;
        const session = item.value as { session?: unknown; events?: unknown };
        if (typeof session.session !== 'number' || !Array.isArray(session.events)) {
          yield { line, message: 'expected {"session": number, "events": [...]}' };
          continue;
        }
        const userId = `otto-${session.session}`;
        for (const [i, e] of (session.events as unknown[]).entries()) {
          const ev = e as { aid?: unknown; ts?: unknown; type?: unknown };
          const event = typeof ev.type === 'string' ? EVENT_NAMES[ev.type] : undefined;
          if (typeof ev.aid !== 'number' || typeof ev.ts !== 'number' || !event) {
            yield { line, message: `event ${i}: expected {aid: number, ts: number, type: clicks|carts|orders}` };
            continue;
          }
          const productId = String(ev.aid);
          yield {
            line,
            message: {
              type: 'track',
              event,
              userId,
              messageId: `otto:${session.session}:${i}`,
              timestamp: new Date(ev.ts).toISOString(),
              properties:
                event === 'Order Completed'
                  ? { product_id: productId, order_id: `otto-${session.session}-${ev.ts}`, products: [{ product_id: productId }] }
                  : { product_id: productId },
            },
          };
        }
      }
    },
  };
}
