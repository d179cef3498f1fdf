import { describe, expect, it } from 'vitest';
import { parseDestinationAllowlist, safeParseDestinationAllowlist } from './destination-allowlist.js';
import { formatIp, parseIp } from './ip-address.js';
import { SsrfGuard, type Resolver } from './ssrf-guard.js';

const noDns: Resolver = async (host) => {
  throw new Error(`unexpected DNS lookup of ${host}`);
};

const FORBIDDEN_URLS = [
  'http://127.0.0.1/',
  'http://0177.0.0.1/',
  'http://2130706433/',
  'http://0x7f.1/',
  'http://0x7f000001/',
  'http://127.1/',
  'http://127.0.0.1./',
  'http://017700000001/',
  'http://[::1]/',
  'http://[0:0:0:0:0:0:0:1]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://[::127.0.0.1]/',
  'http://[64:ff9b::10.0.0.1]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  'http://[2002:c0a8:0101::1]/',
  'http://[2002:7f00:1::]/',
  'http://10.1.2.3/',
  'http://172.16.0.1/',
  'http://172.31.255.255/',
  'http://192.168.1.1/',
  'http://169.254.1.1/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[fd00:ec2::254]/',
  'http://100.64.0.1/',
  'http://100.127.255.254/',
  'http://[fc00::1]/',
  'http://[fd12:3456::1]/',
  'http://[fe80::1]/',
  'http://0.0.0.0/',
  'http://0/',
  'http://[::]/',
  'http://224.0.0.1/',
  'http://[ff02::1]/',
  'http://255.255.255.255/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://METADATA.google.internal./',
];

describe('SsrfGuard at registration', () => {
  const guard = new SsrfGuard({ resolver: noDns });

  it.each(FORBIDDEN_URLS)('refuses %s without an allow-list', async (url) => {
    const result = await guard.checkUrl(url);
    expect(result.ok).toBe(false);
  });

  it('refuses loopback under every IPv4 spelling as loopback 127.0.0.1', async () => {
    for (const url of ['http://0177.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://127.1/']) {
      const result = await guard.checkUrl(url);
      expect(result).toMatchObject({ ok: false, refusal: { kind: 'forbidden_address', address: '127.0.0.1', class: 'loopback' } });
    }
  });

  it('refuses schemes other than http and https, and URLs with credentials', async () => {
    expect(await guard.checkUrl('ftp://example.com/')).toMatchObject({ ok: false, refusal: { kind: 'scheme' } });
    expect(await guard.checkUrl('file:///etc/passwd')).toMatchObject({ ok: false, refusal: { kind: 'scheme' } });
    expect(await guard.checkUrl('https://u:p@93.184.216.34/')).toMatchObject({ ok: false, refusal: { kind: 'credentials' } });
    expect(await guard.checkUrl('not a url')).toMatchObject({ ok: false, refusal: { kind: 'invalid_url' } });
  });

  it('accepts a public address literal without looking anything up', async () => {
    expect(await guard.checkUrl('https://93.184.216.34/hook')).toMatchObject({ ok: true });
    expect(await guard.checkUrl('https://[2606:2800:220:1::1]/hook')).toMatchObject({ ok: true });
  });
});

describe('SsrfGuard after DNS resolution', () => {
  const dns: Record<string, string[]> = {
    'public.example': ['93.184.216.34'],
    'internal.example': ['10.0.0.5'],
    'mixed.example': ['93.184.216.34', '192.168.0.10'],
    'v6-mapped.example': ['::ffff:127.0.0.1'],
    'nat64.example': ['64:ff9b::c0a8:0001'],
    'zone.example': ['fe80::1%eth0'],
    'rebind.example': ['169.254.169.254'],
  };
  const resolver: Resolver = async (host) => {
    const found = dns[host];
    if (!found) throw new Error('ENOTFOUND');
    return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const guard = new SsrfGuard({ resolver });

  it.each(['internal.example', 'mixed.example', 'v6-mapped.example', 'nat64.example', 'zone.example', 'rebind.example'])(
    'refuses %s, which resolves to a non-public address',
    async (host) => {
      expect(await guard.pin(`https://${host}/hook`)).toMatchObject({ ok: false, refusal: { kind: 'forbidden_address' } });
    },
  );

  it('pins a public host to its checked address', async () => {
    expect(await guard.pin('https://public.example/hook')).toMatchObject({
      ok: true,
      value: { hostname: 'public.example', address: '93.184.216.34', family: 4 },
    });
  });

  it('refuses a host that does not resolve', async () => {
    expect(await guard.pin('https://nowhere.example/')).toMatchObject({ ok: false, refusal: { kind: 'unresolvable' } });
  });
});

describe('the allow-list', () => {
  it('lets 127.0.0.1 through when allow-listed, in any spelling, but not other loopback addresses', async () => {
    const guard = new SsrfGuard({ allowlist: parseDestinationAllowlist('127.0.0.1'), resolver: noDns });
    expect(await guard.checkUrl('http://127.0.0.1:8080/hook')).toMatchObject({ ok: true });
    expect(await guard.checkUrl('http://2130706433:8080/hook')).toMatchObject({ ok: true });
    expect(await guard.checkUrl('http://[::ffff:127.0.0.1]/hook')).toMatchObject({ ok: true });
    expect(await guard.checkUrl('http://127.0.0.2/hook')).toMatchObject({ ok: false });
    expect(await guard.checkUrl('http://10.0.0.1/hook')).toMatchObject({ ok: false });
  });

  it('allow-lists ranges and host names, wildcard hosts included', async () => {
    const resolver: Resolver = async () => [{ address: '10.9.8.7', family: 4 }];
    const guard = new SsrfGuard({ allowlist: parseDestinationAllowlist(' 192.168.0.0/16, hooks.internal ,*.corp.example,fd00::/8'), resolver });
    expect(await guard.checkUrl('http://192.168.4.4/')).toMatchObject({ ok: true });
    expect(await guard.checkUrl('http://[fd00::1]/')).toMatchObject({ ok: true });
    expect(await guard.pin('http://hooks.internal./x')).toMatchObject({ ok: true, value: { address: '10.9.8.7' } });
    expect(await guard.pin('http://a.corp.example/x')).toMatchObject({ ok: true });
    expect(await guard.pin('http://other.internal/x')).toMatchObject({ ok: false });
  });

  it('reports entries that are neither hosts nor CIDRs', () => {
    expect(safeParseDestinationAllowlist('10.0.0.0/33, bad host, ok.example')).toEqual({
      ok: false,
      errors: ['"10.0.0.0/33" is neither a host name nor an address or CIDR', '"bad host" is neither a host name nor an address or CIDR'],
    });
    expect(() => parseDestinationAllowlist('/8')).toThrow(/SEGFLOW_DESTINATION_ALLOWLIST/);
    expect(parseDestinationAllowlist(undefined)).toEqual({ hosts: [], cidrs: [] });
  });
});

describe('parseIp', () => {
  it.each([
    ['0177.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['10.1', '10.0.0.1'],
    ['192.168.257', '192.168.1.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['[::1]', '::1'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1'],
    ['fe80::1%25eth0', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ])('reads %s as %s', (text, canonical) => {
    const ip = parseIp(text);
    expect(ip && formatIp(ip)).toBe(canonical);
  });

  it.each(['256.0.0.1', '1.2.3.4.5', '08.0.0.1', 'example.com', '1::2::3', '12345::', '::ffff:1.2.3.256'])('rejects %s', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});
