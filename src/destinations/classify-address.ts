import { cidrContains, parseCidr, type Cidr, type IpAddress } from './ip-address.js';

/** Why an address is not a public unicast destination; `public` when it is one. */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'unique_local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'metadata'
  | 'reserved';

function table(entries: readonly (readonly [string, AddressClass])[]): readonly (readonly [Cidr, AddressClass])[] {
  return entries.map(([text, cls]) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`bad built-in range ${text}`);
    return [cidr, cls] as const;
  });
}

// Order matters: the first match wins, so specific entries (metadata) come before their enclosing range.
const V4 = table([
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack instance metadata
  ['168.63.129.16/32', 'metadata'], // Azure wire server
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
  ['255.255.255.255/32', 'broadcast'],
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
]);

const V6 = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fd00:ec2::254/128', 'metadata'], // AWS IMDS over IPv6
  ['64:ff9b:1::/48', 'reserved'], // local-use NAT64 (RFC 8215)
  ['100::/64', 'reserved'], // discard-only
  ['2001::/32', 'reserved'], // Teredo: the embedded client address is obfuscated, refuse the block
  ['2001:db8::/32', 'reserved'],
  ['fc00::/7', 'unique_local'],
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'private'], // deprecated site-local
  ['ff00::/8', 'multicast'],
]);

/** IPv6 ranges that carry an IPv4 address in their low 32 bits, which decides their class. */
const V4_EMBEDDING = [
  parseCidr('::ffff:0:0/96'), // IPv4-mapped
  parseCidr('::/96'), // IPv4-compatible (deprecated)
  parseCidr('::ffff:0:0:0/96'), // IPv4-translated (RFC 2765)
  parseCidr('64:ff9b::/96'), // NAT64 well-known prefix
] as readonly Cidr[];
const SIX_TO_FOUR = parseCidr('2002::/16') as Cidr;

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one that a network may route to (IPv4-mapped
 * `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, IPv4-translated, NAT64 `64:ff9b::/96`, 6to4 `2002:AABB:CCDD::/48`).
 */
export function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.family !== 6) return undefined;
  if (V4_EMBEDDING.some((c) => cidrContains(c, ip))) return { family: 4, value: ip.value & 0xffffffffn };
  if (cidrContains(SIX_TO_FOUR, ip)) return { family: 4, value: (ip.value >> 80n) & 0xffffffffn };
  return undefined;
}

/**
 * Classifies an address: anything but `public` is refused as a destination unless allow-listed. IPv6
 * addresses that embed an IPv4 address take the class of that address (so `::ffff:127.0.0.1`,
 * `::ffff:7f00:1`, `64:ff9b::a00:1` and `2002:7f00:1::` are loopback / private like their IPv4 forms).
 */
export function classifyAddress(ip: IpAddress): AddressClass {
  const list = ip.family === 4 ? V4 : V6;
  for (const [cidr, cls] of list) if (cidrContains(cidr, ip)) return cls;
  const v4 = embeddedIpv4(ip);
  if (v4) {
    // `::` and `::1` matched above; other IPv4-compatible addresses in 0.0.0.0/8 are unspecified-ish.
    return classifyAddress(v4);
  }
  return 'public';
}
