/** SHA-256 of a cell's code in hex; FNV-1a where WebCrypto is unavailable (plain-http hosts). */
export async function codeHash(code: string): Promise<string> {
  const bytes = new TextEncoder().encode(code);
  if (globalThis.crypto?.subtle) {
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, "0");
}
