import { isIP, type BlockList } from 'node:net';

/**
 * Node loads its BlockList class (internal/blocklist and what it needs) when the class is first read,
 * ~3.5 ms: read here when the first list is built, not when this module loads at every start.
 */
const newBlockList = (): BlockList => new (process.getBuiltinModule('node:net').BlockList)();

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) is matched as `192.0.2.1`. */
function normaliseIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/**
 * Lists kept at most: a tenant's networks can change at run time (fixtures, the Public API), and the
 * lists of sets no longer in use would otherwise stay for good. Past the cap the oldest list built goes
 * (and is built again if asked for).
 */
const MAX_LISTS = 1000;
const lists = new Map<string, BlockList>();

/** Node's BlockList does the CIDR matching, IPv4 and IPv6; one list per set of networks, built once. */
function listFor(networks: readonly string[]): BlockList {
  const key = networks.join(' ');
  let list = lists.get(key);
  if (!list) {
    list = newBlockList();
    for (const network of networks) {
      const [address, prefix] = network.split('/');
      list.addSubnet(address!, Number(prefix), isIP(address!) === 6 ? 'ipv6' : 'ipv4');
    }
    if (lists.size >= MAX_LISTS) lists.delete(lists.keys().next().value!);
    lists.set(key, list);
  }
  return list;
}

export function inNetworks(ip: string, networks: readonly string[]): boolean {
  const address = normaliseIp(ip);
  const family = isIP(address);
  if (family === 0 || networks.length === 0) return false;
  return listFor(networks).check(address, family === 6 ? 'ipv6' : 'ipv4');
}
