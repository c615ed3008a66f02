/**
 * The key the grading queue shares fairly by and limits per: the client's address, except that
 * IPv6 addresses are grouped by their /64 prefix. One home or one cloud VM is normally given a
 * whole /64 and can use any address in it, so keying on the full address would let a single
 * client claim any number of fair shares; an IPv4 address is one client already.
 */
import { isIPv6 } from "node:net";

export function clientKey(address: string): string {
  if (!isIPv6(address)) return address;
  const groups = expandIPv6(address);
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail counts as two). */
function expandIPv6(address: string): string[] {
  const withoutZone = address.split("%")[0].toLowerCase();
  const [head, tail] = withoutZone.includes("::") ? withoutZone.split("::") : [withoutZone, null];
  const split = (part: string | null) => (part ? part.split(":").flatMap((group) => (group.includes(".") ? ["0", "0"] : [group])) : []);
  const headGroups = split(head);
  if (tail === null) return headGroups;
  const tailGroups = split(tail);
  return [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
}
