/**
 * @module
 * `segflow destinations add|list|deliveries|replay|enable|disable|resync|rotate-secret`: webhook and ESP
 * list-sync destinations over the HTTP admin API (`--url`/`SEGFLOW_URL`, `--key`/`SEGFLOW_ADMIN_KEY`),
 * documented in docs/destinations.md. `add` prints a webhook's signing secret, which the server shows only once;
 * an ESP's API key is read from `SEGFLOW_ESP_API_KEY` (or `--api-key`) and never shown again. `--segments`
 * takes segment names or ids.
 */
import type { Command } from 'commander';
import type { DeliveryRecord, DestinationView } from '../../destinations/index.js';
import { type AdminClient, type ApiResult, addAdminOptions, clientFromOptions, describeProblem } from '../admin-client.js';
import { resolveSegmentRefs } from '../segment-refs.js';

/** A destination as the API returns it (the fields this command reads); `secret` only in the create response. */
export type ApiDestination = Pick<
  DestinationView,
  'id' | 'name' | 'url' | 'segments' | 'emailTargeting' | 'enabled' | 'disabledReason' | 'counts'
> & { readonly secret?: string };

/** A delivery as the API returns it (the fields this command reads). */
export type ApiDelivery = Pick<DeliveryRecord, 'id' | 'seq' | 'profileId' | 'kind' | 'status' | 'attempts' | 'lastStatus' | 'lastError'>;

interface Options {
  url?: string;
  key?: string;
  json?: boolean;
}

/** The destinations part of the admin API, over the shared {@link AdminClient}. */
export class DestinationsClient {
  constructor(private readonly client: AdminClient) {}

  /** From `--url`/`--key` and the environment. */
  static fromOptions(options: Options, env: NodeJS.ProcessEnv = process.env): DestinationsClient {
    return new DestinationsClient(clientFromOptions(options, env));
  }

  add(body: Record<string, unknown>): Promise<ApiResult<ApiDestination>> {
    return this.client.request('POST', '/api/destinations', body);
  }

  resync(id: string): Promise<ApiResult<{ seq: number; targets: { target: string; expected: number; inEsp: number | null; added: string[]; removed: string[] }[] }>> {
    return this.client.request('POST', `/api/destinations/${encodeURIComponent(id)}/resync`);
  }

  rotateSecret(id: string, body: { graceSeconds?: number; apiKey?: string }): Promise<ApiResult<{ secret?: string; previousSecretValidUntil: string | null }>> {
    return this.client.request('POST', `/api/destinations/${encodeURIComponent(id)}/rotate-secret`, body);
  }

  list(): Promise<ApiResult<{ destinations: ApiDestination[] }>> {
    return this.client.request('GET', '/api/destinations');
  }

  patch(id: string, body: Record<string, unknown>): Promise<ApiResult<ApiDestination>> {
    return this.client.request('PATCH', `/api/destinations/${encodeURIComponent(id)}`, body);
  }

  deliveries(id: string, query: { status?: string; limit?: string; after?: string }): Promise<ApiResult<{ deliveries: ApiDelivery[]; next: string | null }>> {
    const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    return this.client.request('GET', `/api/destinations/${encodeURIComponent(id)}/deliveries${qs ? `?${qs}` : ''}`);
  }

  replayOne(id: string, deliveryId: string): Promise<ApiResult<{ replayed: number }>> {
    return this.client.request('POST', `/api/destinations/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/replay`);
  }

  replayRange(id: string, fromSeq: number, toSeq: number): Promise<ApiResult<{ replayed: number }>> {
    return this.client.request('POST', `/api/destinations/${encodeURIComponent(id)}/replay`, { fromSeq, toSeq });
  }
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** Renders destinations as an aligned table. */
export function renderDestinations(list: readonly ApiDestination[]): string {
  if (list.length === 0) return 'No destinations yet. Add one with `segflow destinations add --name NAME --url URL`.';
  return table([
    ['ID', 'NAME', 'STATE', 'PENDING', 'DEAD', 'SEGMENTS', 'URL'],
    ...list.map((d) => [
      d.id,
      d.name,
      d.enabled ? 'enabled' : `disabled (${d.disabledReason ?? 'manual'})`,
      String(d.counts?.pending ?? ''),
      String(d.counts?.dead ?? ''),
      d.segments === 'all' ? 'all' : d.segments.join(','),
      d.url,
    ]),
  ]);
}

/** Renders deliveries as an aligned table. */
export function renderDeliveries(list: readonly ApiDelivery[]): string {
  if (list.length === 0) return 'No deliveries.';
  return table([
    ['ID', 'SEQ', 'KIND', 'STATUS', 'ATTEMPTS', 'LAST'],
    ...list.map((d) => [d.id, String(d.seq), d.kind, d.status, String(d.attempts), d.lastError ?? (d.lastStatus === null ? '' : String(d.lastStatus))]),
  ]);
}

async function run<T>(label: string, options: Options, call: Promise<ApiResult<T>>, human: (value: T) => string): Promise<void> {
  const res = await call;
  if (!res.ok) {
    process.stderr.write(`segflow destinations ${label}: ${describeProblem(res.problem)}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(options.json ? `${JSON.stringify(res.value, null, 2)}\n` : `${human(res.value)}\n`);
}

/** Registers `segflow destinations …`. */
export function register(program: Command): void {
  const group = program.command('destinations').description('webhooks and ESP list syncs: add, list, deliveries, replay, enable, disable, resync, rotate-secret');

  addAdminOptions(
    group
      .command('add')
      .description('register a webhook (prints its signing secret, shown only once) or an ESP list sync')
      .requiredOption('--name <name>', 'a name for people')
      .option('--webhook <url>', 'webhooks: the receiver URL (http or https)')
      .option('--kind <kind>', 'sendgrid, mailchimp or klaviyo (an ESP list sync); the key comes from SEGFLOW_ESP_API_KEY or --api-key')
      .option('--api-key <key>', 'ESPs: the API key (prefer SEGFLOW_ESP_API_KEY: command lines end up in shell history)')
      .option('--list <id>', 'ESPs: the list id (SendGrid, Klaviyo) or audience id (Mailchimp)')
      .option('--base-url <url>', 'ESPs: another API host (a proxy)')
      .option('--data-center <dc>', 'Mailchimp: the data centre, e.g. us6 (default: the key suffix)')
      .option('--field <trait=field...>', 'ESPs: send a trait as an ESP field (repeatable)')
      .option('--no-initial-sync', 'ESPs: do not send the segments\' current members first')
      .option('--segments <ids>', 'comma-separated segment ids or names, or "all"', 'all')
      .option('--email-targeting', 'suppress entries of people who may not be emailed (always on for ESPs)'),
  ).action(
    async (
      o: Options & {
        name: string;
        webhook?: string;
        kind?: string;
        apiKey?: string;
        list?: string;
        baseUrl?: string;
        dataCenter?: string;
        field?: string[];
        initialSync: boolean;
        segments: string;
        emailTargeting?: boolean;
      },
    ) => {
      const refs = o.segments === 'all' ? 'all' : o.segments.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const admin = clientFromOptions(o);
      const resolved = refs === 'all' ? { ok: true as const, ids: 'all' as const } : await resolveSegmentRefs(admin, refs);
      if (!resolved.ok) {
        process.stderr.write(`segflow destinations add: ${describeProblem(resolved.problem)}\n`);
        process.exitCode = 1;
        return;
      }
      const segments = resolved.ids;
      const esp = o.kind !== undefined && o.kind !== 'webhook';
      const fields = Object.fromEntries((o.field ?? []).map((f) => [f.split('=')[0] ?? f, f.includes('=') ? f.slice(f.indexOf('=') + 1) : f]));
      const body = esp
        ? {
            name: o.name,
            kind: o.kind,
            apiKey: o.apiKey ?? process.env.SEGFLOW_ESP_API_KEY,
            list: o.list,
            segments,
            initialSync: o.initialSync,
            ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
            ...(o.dataCenter ? { dataCenter: o.dataCenter } : {}),
            ...(Object.keys(fields).length > 0 ? { fields } : {}),
          }
        : { name: o.name, url: o.webhook, segments, emailTargeting: o.emailTargeting ?? false };
      await run('add', o, new DestinationsClient(admin).add(body), (d) =>
        d.secret ? [`Created ${d.id} (${d.name}) → ${d.url}`, `Signing secret (shown only now): ${d.secret}`].join('\n') : `Created ${d.id} (${d.name}) → ${d.url}`,
      );
    },
  );

  addAdminOptions(group.command('resync <id>').description('reconcile an ESP destination with its segments and print what was queued')).action(
    async (id: string, o: Options) => {
      await run('resync', o, DestinationsClient.fromOptions(o).resync(id), (r) =>
        r.targets
          .map((t) => `${t.target}: ${t.expected} expected, ${t.inEsp === null ? 'ESP not readable (all re-sent)' : `${t.inEsp} in the ESP`}; +${t.added.length} −${t.removed.length}`)
          .join('\n'),
      );
    },
  );

  addAdminOptions(
    group
      .command('rotate-secret <id>')
      .description('webhooks: new signing secret, old one valid (and signed with) for the grace period; ESPs: new API key from SEGFLOW_ESP_API_KEY')
      .option('--grace-seconds <n>', 'how long the old secret stays valid', '86400'),
  ).action(async (id: string, o: Options & { graceSeconds: string }) => {
    const apiKey = process.env.SEGFLOW_ESP_API_KEY;
    await run('rotate-secret', o, DestinationsClient.fromOptions(o).rotateSecret(id, apiKey ? { apiKey } : { graceSeconds: Number(o.graceSeconds) }), (r) =>
      r.secret ? `New signing secret (shown only now): ${r.secret}\nThe old one stays valid until ${r.previousSecretValidUntil ?? 'now'}.` : 'API key replaced.',
    );
  });

  addAdminOptions(group.command('list').description('list destinations with pending and dead-letter counts')).action(async (o: Options) => {
    await run('list', o, DestinationsClient.fromOptions(o).list(), (v) => renderDestinations(v.destinations));
  });

  addAdminOptions(
    group
      .command('deliveries <id>')
      .description('deliveries of a destination, with status and last error')
      .option('--status <status>', 'pending, delivered or dead')
      .option('--limit <n>', 'at most this many', '50')
      .option('--after <deliveryId>', 'continue after this delivery'),
  ).action(async (id: string, o: Options & { status?: string; limit?: string; after?: string }) => {
    const query = { ...(o.status ? { status: o.status } : {}), ...(o.limit ? { limit: o.limit } : {}), ...(o.after ? { after: o.after } : {}) };
    await run('deliveries', o, DestinationsClient.fromOptions(o).deliveries(id, query), (v) =>
      `${renderDeliveries(v.deliveries)}${v.next ? `\nMore: --after ${v.next}` : ''}`,
    );
  });

  addAdminOptions(
    group
      .command('replay <id>')
      .description('send deliveries again: one (--delivery) or every one from change-log seqs --from..--to')
      .option('--delivery <deliveryId>', 'one delivery')
      .option('--from <seq>', 'first change-log seq')
      .option('--to <seq>', 'last change-log seq'),
  ).action(async (id: string, o: Options & { delivery?: string; from?: string; to?: string }) => {
    const client = DestinationsClient.fromOptions(o);
    if (o.delivery) {
      await run('replay', o, client.replayOne(id, o.delivery), (v) => `Replaying ${v.replayed} delivery.`);
      return;
    }
    const from = Number(o.from);
    const to = Number(o.to ?? o.from);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
      process.stderr.write('segflow destinations replay: give --delivery ID, or --from SEQ [--to SEQ]\n');
      process.exitCode = 2;
      return;
    }
    await run('replay', o, client.replayRange(id, from, to), (v) => `Replaying ${v.replayed} deliveries.`);
  });

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    addAdminOptions(group.command(`${name} <id>`).description(enabled ? 're-enable a destination (also after an automatic disable)' : 'stop sending (deliveries keep queueing)')).action(
      async (id: string, o: Options) => {
        await run(name, o, DestinationsClient.fromOptions(o).patch(id, { enabled }), (d) => `${d.id} is ${d.enabled ? 'enabled' : 'disabled'}.`);
      },
    );
  }
}
