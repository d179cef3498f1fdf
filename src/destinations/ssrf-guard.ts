import { lookup } from 'node:dns/promises';
import { classifyAddress, type AddressClass } from './classify-address.js';
import {
  allowsAddress,
  allowsHost,
  emptyAllowlist,
  normaliseHostname,
  type DestinationAllowlist,
} from './destination-allowlist.js';
import { formatIp, parseIp } from './ip-address.js';

/** One resolved address of a host name. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses (injected in tests, so nothing touches real DNS). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (`getaddrinfo`, all addresses, in resolver order). */
export const systemResolver: Resolver = async (hostname) => {
  const found = await lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Host names of cloud metadata services, refused whatever they resolve to. */
export const METADATA_HOSTNAMES: readonly string[] = ['metadata.google.internal', 'metadata.goog', 'metadata'];

/** Why a destination URL or address was refused. */
export type SsrfRefusal =
  | { readonly kind: 'invalid_url'; readonly message: string }
  | { readonly kind: 'scheme'; readonly message: string }
  | { readonly kind: 'credentials'; readonly message: string }
  | { readonly kind: 'forbidden_host'; readonly message: string }
  | { readonly kind: 'forbidden_address'; readonly message: string; readonly address: string; readonly class: AddressClass }
  | { readonly kind: 'unresolvable'; readonly message: string };

/** The address a connection is pinned to, after every address of the host passed the checks. */
export interface PinnedTarget {
  readonly url: URL;
  /** Host name for the Host header, TLS SNI and certificate check (brackets removed for IPv6). */
  readonly hostname: string;
  readonly address: string;
  readonly family: 4 | 6;
}

/** A check result: the value, or why it was refused. */
export type GuardResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refusal: SsrfRefusal };

/** Options of an {@link SsrfGuard}. */
export interface SsrfGuardOptions {
  readonly allowlist?: DestinationAllowlist;
  readonly resolver?: Resolver;
}

/**
 * Keeps webhooks away from internal networks (server-side request forgery). A URL must be `http(s)`, carry no
 * credentials (they would be stored and shown in clear; use the signature instead), not name a cloud metadata
 * host, and every address its host resolves to must be public unicast — unless the operator allow-listed the
 * host name or the address range. {@link SsrfGuard.checkUrl} runs at registration; {@link SsrfGuard.pin} runs
 * before every connection and redirect hop, and the caller connects to the returned address only, so a DNS
 * answer that changes between check and connect (rebinding) cannot slip through.
 */
export class SsrfGuard {
  readonly allowlist: DestinationAllowlist;
  private readonly resolver: Resolver;

  constructor(options: SsrfGuardOptions = {}) {
    this.allowlist = options.allowlist ?? emptyAllowlist;
    this.resolver = options.resolver ?? systemResolver;
  }

  /** Checks one address literal (any spelling) reached through `hostname` (which may allow-list it). */
  checkAddress(address: string, hostname?: string): GuardResult<string> {
    const ip = parseIp(address);
    if (!ip) return { ok: false, refusal: { kind: 'invalid_url', message: `"${address}" is not an IP address` } };
    const canonical = formatIp(ip);
    const cls = classifyAddress(ip);
    if (cls === 'public') return { ok: true, value: canonical };
    if (allowsAddress(this.allowlist, ip) || (hostname !== undefined && allowsHost(this.allowlist, hostname))) {
      return { ok: true, value: canonical };
    }
    return {
      ok: false,
      refusal: {
        kind: 'forbidden_address',
        address: canonical,
        class: cls,
        message: `${hostname && hostname !== address ? `${hostname} resolves to ` : ''}${canonical}, a ${cls.replace('_', '-')} address; allow-list it in SEGFLOW_DESTINATION_ALLOWLIST to use it`,
      },
    };
  }

  /** Syntax and policy checks that need no DNS: scheme, credentials, metadata host names, address literals. */
  checkUrlSyntax(text: string): GuardResult<URL> {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return { ok: false, refusal: { kind: 'invalid_url', message: `"${text}" is not a valid URL` } };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return { ok: false, refusal: { kind: 'scheme', message: `only http and https URLs are allowed, not ${url.protocol}` } };
    }
    if (url.username !== '' || url.password !== '') {
      return { ok: false, refusal: { kind: 'credentials', message: 'URLs with credentials are not allowed; receivers authenticate by the signature' } };
    }
    const host = hostOf(url);
    const name = normaliseHostname(host);
    if (METADATA_HOSTNAMES.includes(name) && !allowsHost(this.allowlist, name)) {
      return { ok: false, refusal: { kind: 'forbidden_host', message: `${name} is a cloud metadata service` } };
    }
    if (parseIp(host)) {
      const checked = this.checkAddress(host);
      if (!checked.ok) return checked;
    }
    return { ok: true, value: url };
  }

  /**
   * Resolves the URL's host and checks every address; refuses if any is forbidden (a host that answers with
   * both a public and a private address is not trusted). Returns the first address to connect to.
   */
  async pin(text: string | URL): Promise<GuardResult<PinnedTarget>> {
    const syntax = this.checkUrlSyntax(String(text));
    if (!syntax.ok) return syntax;
    const url = syntax.value;
    const hostname = hostOf(url);
    const literal = parseIp(hostname);
    if (literal) {
      return { ok: true, value: { url, hostname, address: formatIp(literal), family: literal.family } };
    }
    let addresses: readonly ResolvedAddress[];
    try {
      addresses = await this.resolver(hostname);
    } catch (err) {
      return { ok: false, refusal: { kind: 'unresolvable', message: `cannot resolve ${hostname}: ${err instanceof Error ? err.message : String(err)}` } };
    }
    if (addresses.length === 0) return { ok: false, refusal: { kind: 'unresolvable', message: `${hostname} has no addresses` } };
    for (const a of addresses) {
      const checked = this.checkAddress(a.address, hostname);
      if (!checked.ok) return checked;
    }
    const first = addresses[0] as ResolvedAddress;
    const ip = parseIp(first.address);
    if (!ip) return { ok: false, refusal: { kind: 'unresolvable', message: `${hostname} resolved to "${first.address}"` } };
    return { ok: true, value: { url, hostname, address: formatIp(ip), family: ip.family } };
  }

  /** The registration check: the URL passes the syntax checks and its host resolves only to allowed addresses. */
  async checkUrl(text: string): Promise<GuardResult<URL>> {
    const pinned = await this.pin(text);
    return pinned.ok ? { ok: true, value: pinned.value.url } : pinned;
  }
}

/** The URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
