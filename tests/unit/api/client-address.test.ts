import { afterEach, describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/api/client-address";

const from = (forwardedFor?: string) => new Request("http://localhost/x", { headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } });

afterEach(() => {
  delete process.env.TRUSTED_PROXY;
});

describe("clientAddress", () => {
  it("without TRUSTED_PROXY takes the right-most entry (what next start sets for a direct client)", () => {
    expect(clientAddress(from("198.51.100.4"))).toBe("198.51.100.4");
    expect(clientAddress(from("10.0.0.1, 198.51.100.4"))).toBe("198.51.100.4");
    expect(clientAddress(from("::ffff:198.51.100.4"))).toBe("198.51.100.4");
    expect(clientAddress(from("2001:DB8::1"))).toBe("2001:db8::1");
  });

  it("says unknown for no header or something that is not an address", () => {
    expect(clientAddress(from())).toBe("unknown");
    expect(clientAddress(from("evil.example"))).toBe("unknown");
    expect(clientAddress(from("1.2.3.4, " + "x".repeat(5000)))).toBe("unknown");
  });

  it("with TRUSTED_PROXY=<hops> takes the entry the outermost trusted proxy wrote, ignoring what the client prepended", () => {
    process.env.TRUSTED_PROXY = "1";
    expect(clientAddress(from("6.6.6.6, 198.51.100.4"))).toBe("198.51.100.4");
    process.env.TRUSTED_PROXY = "2";
    // client (made up) -> CDN saw 198.51.100.4 -> load balancer saw the CDN at 192.0.2.10
    expect(clientAddress(from("6.6.6.6, 198.51.100.4, 192.0.2.10"))).toBe("198.51.100.4");
    // Fewer entries than proxies: the request did not come through them.
    expect(clientAddress(from("198.51.100.4"))).toBe("unknown");
    process.env.TRUSTED_PROXY = "true";
    expect(clientAddress(from("6.6.6.6, 198.51.100.4"))).toBe("198.51.100.4");
  });

  it("does not trust forwarded headers when TRUSTED_PROXY is not a hop count", () => {
    process.env.TRUSTED_PROXY = "yes please";
    expect(clientAddress(from("6.6.6.6, 198.51.100.4"))).toBe("198.51.100.4");
    process.env.TRUSTED_PROXY = "2";
    expect(clientAddress(from("6.6.6.6, 198.51.100.4"))).toBe("6.6.6.6");
  });
});
