/** An IP address as a number: 32 bits for IPv4, 128 bits for IPv6. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

const HEX = /^[0-9a-f]{1,4}$/i;

function parseIpv4Part(part: string): bigint | undefined {
  if (part === '') return undefined;
  if (/^0x[0-9a-f]*$/i.test(part)) return part.length === 2 ? 0n : BigInt(part);
  if (/^0[0-7]+$/.test(part)) return BigInt(`0o${part.slice(1)}`);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return BigInt(part);
  return undefined;
}

/**
 * Parses IPv4 in every spelling `inet_aton` (and so many HTTP clients and resolvers) accepts: one to four
 * parts, each decimal, octal (leading `0`) or hexadecimal (`0x`), the last part filling the remaining bytes
 * (`127.1`, `2130706433`, `0177.0.0.1`, `0x7f.1`), with one optional trailing dot.
 */
export function parseIpv4(text: string): IpAddress | undefined {
  const body = text.endsWith('.') ? text.slice(0, -1) : text;
  const parts = body.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const values: bigint[] = [];
  for (const part of parts) {
    const v = parseIpv4Part(part);
    if (v === undefined) return undefined;
    values.push(v);
  }
  let value = 0n;
  for (let i = 0; i < values.length - 1; i++) {
    const v = values[i] as bigint;
    if (v > 255n) return undefined;
    value |= v << BigInt(8 * (3 - i));
  }
  const last = values[values.length - 1] as bigint;
  const lastBits = BigInt(8 * (4 - (values.length - 1)));
  if (last >= 1n << lastBits) return undefined;
  return { family: 4, value: value | last };
}

function parseStrictDottedQuad(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = BigInt(part);
    if (n > 255n) return undefined;
    value = (value << 8n) | n;
  }
  return value;
}

/**
 * Parses IPv6: with or without brackets, `::` compression, an embedded dotted IPv4 tail
 * (`::ffff:127.0.0.1`), and a zone id (`fe80::1%eth0`, `%25eth0`), which is dropped.
 */
export function parseIpv6(text: string): IpAddress | undefined {
  let body = text;
  if (body.startsWith('[') && body.endsWith(']')) body = body.slice(1, -1);
  const zone = body.indexOf('%');
  if (zone >= 0) body = body.slice(0, zone);
  if (!body.includes(':')) return undefined;
  let tail: bigint | undefined;
  const lastColon = body.lastIndexOf(':');
  const last = body.slice(lastColon + 1);
  if (last.includes('.')) {
    tail = parseStrictDottedQuad(last);
    if (tail === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] | undefined => (s === '' ? [] : s.split(':'));
  const head = groupsOf(halves[0] as string);
  const rest = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  if (!head || !rest) return undefined;
  const groups =
    halves.length === 2 ? [...head, ...new Array<string>(8 - head.length - rest.length).fill('0'), ...rest] : head;
  if (groups.length !== 8 || (halves.length === 2 && head.length + rest.length > 7)) return undefined;
  let value = 0n;
  for (const g of groups) {
    if (!HEX.test(g)) return undefined;
    value = (value << 16n) | BigInt(`0x${g}`);
  }
  if (tail !== undefined) value = (value & ~0xffffffffn) | tail;
  return { family: 6, value };
}

/** Parses an IP address literal in any spelling (see {@link parseIpv4}, {@link parseIpv6}); undefined for a name. */
export function parseIp(text: string): IpAddress | undefined {
  const t = text.trim();
  return t.includes(':') || t.startsWith('[') ? parseIpv6(t) : parseIpv4(t);
}

/** The canonical text of an address: dotted quad, or RFC 5952 compressed IPv6. */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((ip.value >> s) & 0xffn).toString()).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** An address range: `value` masked to its `prefix` bits. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly value: bigint;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n` or `x::y/n`, or a single address (as /32 or /128). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash >= 0 ? text.slice(0, slash) : text);
  if (!ip) return undefined;
  const bits = ip.family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > bits) return undefined;
  }
  return { family: ip.family, value: ip.value & maskOf(bits, prefix), prefix };
}

function maskOf(bits: number, prefix: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Whether `ip` lies in `cidr` (same family only). */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const bits = ip.family === 4 ? 32 : 128;
  return (ip.value & maskOf(bits, cidr.prefix)) === cidr.value;
}
