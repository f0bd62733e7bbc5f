import { BlockList, isIP } from "node:net";
import { lookup } from "node:dns/promises";

/**
 * Address rules for the health probe. Loopback and private addresses are allowed, because teams
 * probe internal services. Link-local addresses (169.254.0.0/16, fe80::/10) and the cloud metadata
 * and platform endpoints are never probed, whatever the alert or the handler contains, because they
 * hand out instance credentials.
 */

const blocked = new BlockList();
blocked.addSubnet("169.254.0.0", 16, "ipv4");
blocked.addSubnet("fe80::", 10, "ipv6");
// 0.0.0.0/8 and :: are not destinations; Linux routes 0.0.0.0 to the host itself.
blocked.addSubnet("0.0.0.0", 8, "ipv4");
blocked.addAddress("::", "ipv6");
// Link-local IPv4 reached through the NAT64 well-known prefix.
blocked.addSubnet("64:ff9b::a9fe:0", 112, "ipv6");
// Azure's platform endpoint (WireServer), Alibaba Cloud's metadata, AWS's IPv6 metadata.
blocked.addAddress("168.63.129.16", "ipv4");
blocked.addAddress("100.100.100.200", "ipv4");
blocked.addAddress("fd00:ec2::254", "ipv6");

/** Host names of cloud metadata services, compared lower-cased without a trailing dot. */
const METADATA_HOSTNAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "metadata.azure.com",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.tencentyun.com",
]);

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address, like the system resolver (`/etc/hosts`, then DNS). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const addresses = await lookup(hostname, { all: true, verbatim: true });
  return addresses.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

/** Strips the brackets of an IPv6 URL host and a trailing dot. */
export function bareHostname(hostname: string): string {
  const unbracketed = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return unbracketed.replace(/\.$/, "").toLowerCase();
}

/** Returns why the probe must not reach `address`, or undefined when it may. */
export function addressRejection(address: string): string | undefined {
  let candidate = address.toLowerCase();
  // IPv4-mapped IPv6 (::ffff:169.254.169.254) reaches the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(candidate);
  if (mapped) candidate = mapped[1];

  const family = isIP(candidate);
  if (family === 0) return `"${address}" is not an IP address`;
  if (blocked.check(candidate, family === 4 ? "ipv4" : "ipv6")) {
    return `${address} is a link-local, unspecified or cloud metadata address, which the probe never contacts`;
  }
  return undefined;
}

/** Returns why the probe must not contact `hostname` by name alone, or undefined. */
export function hostnameRejection(hostname: string): string | undefined {
  const bare = bareHostname(hostname);
  if (METADATA_HOSTNAMES.has(bare)) return `${bare} is a cloud metadata host name, which the probe never contacts`;
  if (isIP(bare) !== 0) return addressRejection(bare);
  return undefined;
}

/** True when `hostname` is one of `allowedHosts` (case-insensitive, exact host names). */
export function isAllowedHost(hostname: string, allowedHosts: string[]): boolean {
  const bare = bareHostname(hostname);
  return allowedHosts.some((host) => bareHostname(host) === bare);
}
