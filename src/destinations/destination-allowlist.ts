import { embeddedIpv4 } from './classify-address.js';
import { cidrContains, parseCidr, type Cidr, type IpAddress } from './ip-address.js';

/**
 * What the operator lets destinations reach although it is not public: host names (exact, or `*.suffix`)
 * and address ranges. Parsed from `SEGFLOW_DESTINATION_ALLOWLIST`.
 */
export interface DestinationAllowlist {
  readonly hosts: readonly string[];
  readonly cidrs: readonly Cidr[];
}

/** The empty allow-list: nothing private is reachable. */
export const emptyAllowlist: DestinationAllowlist = { hosts: [], cidrs: [] };

/** The result of parsing an allow-list: the list, or every entry that is neither a host name nor a CIDR. */
export type AllowlistParseResult =
  | { readonly ok: true; readonly value: DestinationAllowlist }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Lower-cases a host name and drops one trailing dot, the form allow-list and metadata checks compare. */
export function normaliseHostname(host: string): string {
  const h = host.trim().toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

const HOST = /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/**
 * Parses a comma-separated allow-list: each entry is an address in any spelling (`127.0.0.1`, `::1`), a
 * CIDR (`10.0.0.0/8`, `fd00::/8`), a host name (`hooks.internal`) or a wildcard host (`*.corp.example`).
 * Blank entries are ignored. Never throws: bad entries come back as errors.
 */
export function safeParseDestinationAllowlist(text: string | undefined): AllowlistParseResult {
  const hosts: string[] = [];
  const cidrs: Cidr[] = [];
  const errors: string[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const cidr = parseCidr(entry.replace(/^\[|\](?=\/|$)/g, ''));
    if (cidr) {
      cidrs.push(cidr);
      continue;
    }
    const host = normaliseHostname(entry);
    if (!entry.includes('/') && HOST.test(host)) hosts.push(host);
    else errors.push(`"${entry}" is neither a host name nor an address or CIDR`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { hosts, cidrs } };
}

/** Like {@link safeParseDestinationAllowlist}, but throws a configuration error naming the bad entries. */
export function parseDestinationAllowlist(text: string | undefined): DestinationAllowlist {
  const result = safeParseDestinationAllowlist(text);
  if (!result.ok) throw new Error(`SEGFLOW_DESTINATION_ALLOWLIST: ${result.errors.join('; ')}`);
  return result.value;
}

/** Whether the host name is allow-listed (exactly or by a `*.suffix` entry). */
export function allowsHost(list: DestinationAllowlist, hostname: string): boolean {
  const host = normaliseHostname(hostname);
  return list.hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : h === host));
}

/** Whether the address (or the IPv4 address it embeds) lies in an allow-listed range. */
export function allowsAddress(list: DestinationAllowlist, ip: IpAddress): boolean {
  const v4 = embeddedIpv4(ip);
  return list.cidrs.some((c) => cidrContains(c, ip) || (v4 !== undefined && cidrContains(c, v4)));
}
