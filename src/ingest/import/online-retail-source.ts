import { readCsvRows } from './csv-rows.js';
import type { ImportLineError, ImportRecord, ImportSource } from './import-record.js';

interface Line {
  readonly row: number;
  readonly stockCode: string;
  readonly description: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

interface Invoice {
  readonly invoiceNo: string;
  readonly row: number;
  readonly timestamp: string;
  readonly customerId: string | null;
  readonly country: string;
  readonly lines: Line[];
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Keeps each message under ingestion's 32 KB limit with room to spare. */
const MAX_MESSAGE_BYTES = 30_000;

/**
 * The invoice's products, as detailed as fits: full entries; else compact ones (product_id, price, quantity);
 * else as many compact entries as fit, the rest counted in `products_omitted` (revenue stays exact).
 */
function productsFitting(lines: readonly Line[]): { products: Record<string, unknown>[]; omitted: number } {
  const full = lines.map((l) => ({ product_id: l.stockCode, sku: l.stockCode, name: l.description, price: l.unitPrice, quantity: l.quantity }));
  if (JSON.stringify(full).length <= MAX_MESSAGE_BYTES - 2_000) return { products: full, omitted: 0 };
  const compact = lines.map((l) => ({ product_id: l.stockCode, price: l.unitPrice, quantity: l.quantity }));
  let size = 2;
  let kept = 0;
  for (const p of compact) {
    size += JSON.stringify(p).length + 1;
    if (size > MAX_MESSAGE_BYTES - 2_000) break;
    kept++;
  }
  return { products: compact.slice(0, kept), omitted: compact.length - kept };
}

/** `2010-12-01 08:26:00` (no zone in the data set: UTC) → ISO 8601. */
function isoUtc(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const iso = `${m[1]}T${m[2]!.padStart(2, '0')}:${m[3]}:${m[4] ?? '00'}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/**
 * The UCI "Online Retail" data set (`InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country`)
 * as e-commerce spec events:
 * - one `Order Completed` per invoice, with `order_id`, `products` (product_id = StockCode, name, price,
 *   quantity), `revenue` (Σ quantity × price), `currency` "GBP" and `country`;
 * - invoices starting with `C` are cancellations: one `Order Cancelled` with the same fields as recorded
 *   (negative quantities and revenue), so they never count as purchases yet stay visible;
 * - one `identify` per customer at their first invoice with the `country` trait;
 * - `CustomerID` is written as a float (`17850.0`) and becomes userId `17850`; rows without one are guest
 *   checkouts: their invoice gets `anonymousId` `retail-guest-<InvoiceNo>`;
 * - a very large invoice keeps its products compact (no name) and, past ingestion's 32 KB message limit, lists
 *   as many as fit with the rest counted in `products_omitted`;
 * - message ids are `retail:<InvoiceNo>` and `retail:identify:<CustomerID>`, so a re-run stores nothing twice.
 * Lines of one invoice are grouped wherever they appear in the file.
 */
export function onlineRetailSource(file: string): ImportSource {
  return {
    label: `Online Retail CSV ${file}`,
    async *records(): AsyncIterable<ImportRecord | ImportLineError> {
      const invoices = new Map<string, Invoice>();
      const problems: ImportLineError[] = [];
      for await (const { row, values } of readCsvRows(file)) {
        const invoiceNo = (values.InvoiceNo ?? '').trim();
        const timestamp = isoUtc(values.InvoiceDate ?? '');
        const quantity = Number(values.Quantity);
        const unitPrice = Number(values.UnitPrice);
        if (!invoiceNo || !timestamp || !Number.isFinite(quantity) || !Number.isFinite(unitPrice)) {
          problems.push({ line: row, message: 'missing invoice number, unreadable InvoiceDate, Quantity or UnitPrice' });
          continue;
        }
        const rawCustomer = (values.CustomerID ?? '').trim();
        const customerId = rawCustomer === '' ? null : rawCustomer.replace(/\.0+$/, '');
        let inv = invoices.get(invoiceNo);
        if (!inv) {
          inv = { invoiceNo, row, timestamp, customerId, country: (values.Country ?? '').trim(), lines: [] };
          invoices.set(invoiceNo, inv);
        }
        inv.lines.push({
          row,
          stockCode: (values.StockCode ?? '').trim(),
          description: (values.Description ?? '').trim(),
          quantity,
          unitPrice,
        });
      }
      yield* problems;
      const identified = new Set<string>();
      for (const inv of invoices.values()) {
        if (inv.customerId && !identified.has(inv.customerId)) {
          identified.add(inv.customerId);
          yield {
            line: inv.row,
            message: {
              type: 'identify',
              messageId: `retail:identify:${inv.customerId}`,
              userId: inv.customerId,
              timestamp: inv.timestamp,
              traits: { country: inv.country },
            },
          };
        }
        const cancelled = inv.invoiceNo.startsWith('C');
        const revenue = round2(inv.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0));
        const { products, omitted } = productsFitting(inv.lines);
        yield {
          line: inv.row,
          message: {
            type: 'track',
            event: cancelled ? 'Order Cancelled' : 'Order Completed',
            messageId: `retail:${inv.invoiceNo}`,
            ...(inv.customerId ? { userId: inv.customerId } : { anonymousId: `retail-guest-${inv.invoiceNo}` }),
            timestamp: inv.timestamp,
            properties: {
              order_id: inv.invoiceNo,
              revenue,
              total: revenue,
              currency: 'GBP',
              country: inv.country,
              products,
              ...(omitted > 0 ? { products_omitted: omitted } : {}),
            },
          },
        };
      }
    },
  };
}
