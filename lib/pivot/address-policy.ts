// Which hosts a pivot request may reach. Only absolute http(s) URLs; with ARIFLOW_PIVOT_DENY_PRIVATE the
// host name is resolved and every address it resolves to must be public (loopback only when
// ARIFLOW_PIVOT_ALLOW_LOOPBACK is also set), so a callflow author cannot make ariflow probe its own network.
//
// Limit: fetch resolves the name again when it connects, so a DNS server that answers a public address
// to our check and a private one a moment later (DNS rebinding) can slip through. Where that matters,
// also block the ranges at the network layer (egress firewall).
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { PivotFailure } from './failure.ts';

export interface AddressPolicy {
  denyPrivate: boolean;
  allowLoopback: boolean;
}

export type Lookup = (host: string) => Promise<Array<{ address: string; family: number }>>;

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const nonPublic = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network", includes 0.0.0.0 which reaches the local host
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  nonPublic.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b:1::', 48], // local-use NAT64
] as const) {
  nonPublic.addSubnet(net, bits, 'ipv6');
}

/** Why `address` may not be reached under `policy`, or undefined when it may. IPv4-mapped IPv6 counts as IPv4. */
export function addressRefusal(address: string, policy: AddressPolicy): string | undefined {
  if (!policy.denyPrivate) return undefined;
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (loopback.check(address, type)) return policy.allowLoopback ? undefined : 'loopback';
  if (nonPublic.check(address, type)) return 'private or reserved';
  return undefined;
}

/** The URL's host without IPv6 brackets. */
function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Parses an absolute http(s) URL or throws PivotFailure('bad_url'). */
export function parseTargetUrl(raw: string, base?: string): URL {
  let url: URL;
  try {
    url = base === undefined ? new URL(raw) : new URL(raw, base);
  } catch {
    throw new PivotFailure('bad_url', `not a valid URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PivotFailure('bad_url', `only http and https URLs are allowed, got ${url.protocol}`);
  if (url.username || url.password) throw new PivotFailure('bad_url', 'credentials in the URL are not allowed (the request is signed instead)');
  return url;
}

/**
 * Checks the URL's target against the policy, resolving its name when the policy needs addresses.
 * `signal` cuts a slow resolver short (the lookup itself finishes in the background, harmlessly).
 */
export async function checkTarget(url: URL, policy: AddressPolicy, signal: AbortSignal, lookup: Lookup = defaultLookup): Promise<void> {
  if (!policy.denyPrivate) return;
  const host = bareHost(url);
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    const found = await abortable(lookup(host), signal).catch((err: NodeJS.ErrnoException) => {
      if (signal.aborted) throw err;
      throw new PivotFailure('dns', `${host} does not resolve (${err.code ?? err.message})`);
    });
    addresses = found.map((a) => a.address);
    if (!addresses.length) throw new PivotFailure('dns', `${host} does not resolve`);
  }
  for (const address of addresses) {
    const why = addressRefusal(address, policy);
    if (why) throw new PivotFailure('denied', `${host} resolves to ${address} (${why}); refused by ARIFLOW_PIVOT_DENY_PRIVATE`);
  }
}

const defaultLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
