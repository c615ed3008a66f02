import { describe, expect, it } from "vitest";
import { createFreshDatabase } from "../api/test-database";

createFreshDatabase();

const { gradingQueueSuite } = await import("./queue-suite");
gradingQueueSuite("sqlite");

describe("the client key the queue shares by", () => {
  it("is the address for IPv4 and 'unknown', and the /64 prefix for IPv6", async () => {
    const { clientKey } = await import("@/lib/grading/client-key");
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("unknown")).toBe("unknown");
    expect(clientKey("2001:db8:0:1:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(clientKey("2001:0db8:0000:0001::1")).toBe("2001:db8:0:1::/64");
    expect(clientKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
    expect(clientKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientKey("::ffff:192.0.2.1")).toBe("0:0:0:0::/64");
    // Two addresses of one /64 are one client; another /64 is another.
    expect(clientKey("2001:db8:0:1::aaaa")).toBe(clientKey("2001:db8:0:1:ffff::1"));
    expect(clientKey("2001:db8:0:2::1")).not.toBe(clientKey("2001:db8:0:1::1"));
  });
});
