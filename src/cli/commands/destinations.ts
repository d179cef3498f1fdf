/**
 * @module
 * `segflow destinations add|list|deliveries|replay|enable|disable`: webhook destinations over the HTTP admin
 * API (`--url`/`SEGFLOW_URL`, `--key`/`SEGFLOW_ADMIN_KEY`), documented in docs/destinations.md. `add` prints the
 * signing secret, which the server shows only once; its `--segments` takes segment names or ids.
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

  add(body: { name: string; url: string; segments: 'all' | string[]; emailTargeting: boolean }): Promise<ApiResult<ApiDestination>> {
    return this.client.request('POST', '/api/destinations', body);
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
  const group = program.command('destinations').description('outbound membership webhooks: add, list, deliveries, replay, enable, disable');

  addAdminOptions(
    group
      .command('add')
      .description('register a webhook; prints its signing secret (shown only once)')
      .requiredOption('--name <name>', 'a name for people')
      .requiredOption('--webhook <url>', 'the receiver URL (http or https)')
      .option('--segments <names>', 'comma-separated segment names or ids, or "all"', 'all')
      .option('--email-targeting', 'suppress entries of people who may not be emailed'),
  ).action(async (o: Options & { name: string; webhook: string; segments: string; emailTargeting?: boolean }) => {
    const refs = o.segments === 'all' ? 'all' : o.segments.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const admin = clientFromOptions(o);
    const resolved = refs === 'all' ? { ok: true as const, ids: 'all' as const } : await resolveSegmentRefs(admin, refs);
    if (!resolved.ok) {
      process.stderr.write(`segflow destinations add: ${describeProblem(resolved.problem)}\n`);
      process.exitCode = 1;
      return;
    }
    const segments = resolved.ids;
    await run('add', o, new DestinationsClient(admin).add({ name: o.name, url: o.webhook, segments, emailTargeting: o.emailTargeting ?? false }), (d) =>
      [`Created ${d.id} (${d.name}) → ${d.url}`, `Signing secret (shown only now): ${d.secret ?? '?'}`].join('\n'),
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
