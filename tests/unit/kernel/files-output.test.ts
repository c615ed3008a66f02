import { describe, expect, it } from "vitest";
import { base64ToBytes } from "@/lib/kernel/display/base64";
import { isSitePath, linkBundle, MAX_DOWNLOAD_BYTES } from "@/lib/kernel/display/files";
import { FILE_MIME, LINK_MIME, type FileData } from "@/lib/kernel/display/mime";
import { engineGlobals, engineModules } from "@/lib/kernel/worker/engine";
import { notebookBuiltins } from "@/lib/kernel/worker/builtins";
import { KernelSession } from "@/lib/kernel/worker/session";
import { applyKernelMessage, type CellOutput, type KernelToPage } from "@/lib/kernel/protocol";

function kernel() {
  let messages: KernelToPage[] = [];
  const session = new KernelSession((message) => messages.push(message), (s) => ({ ...engineGlobals(), ...notebookBuiltins(s) }), engineModules());
  let id = 0;
  return async (code: string): Promise<CellOutput[]> => {
    messages = [];
    await session.enqueue({ type: "execute_request", msg_id: `m${++id}`, cell_id: `c${id}`, code, time_budget_ms: 20_000 });
    return messages.reduce<CellOutput[]>((acc, m) => applyKernelMessage(acc, m), []);
  };
}

const files = (outputs: CellOutput[]) => outputs.flatMap((o) => (o.output_type === "display_data" && o.data[FILE_MIME] ? [o.data[FILE_MIME] as FileData] : []));
const errorOf = (outputs: CellOutput[]) => outputs.flatMap((o) => (o.output_type === "error" ? [`${o.ename}: ${o.evalue}`] : []))[0];

describe("download() in a cell", () => {
  it("offers the exact bytes of an ONNX export under its name, and text as UTF-8", async () => {
    const run = kernel();
    const outputs = await run(`
      torch.manual_seed(0);
      const net = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
      const onnxBytes = torch.onnx.export(net, torch.randn([1, 4]));
      download(onnxBytes, "tiny net.onnx");
      download("epoch,loss\\n1,0.5\\n", "losses.csv", { type: "text/csv" });
      globalThis.exported = Array.from(onnxBytes);
    `);
    expect(errorOf(outputs)).toBeUndefined();
    const [onnx, csv] = files(outputs);
    const exported = (await run("print(JSON.stringify(globalThis.exported))")).find((o) => o.output_type === "stream");
    const expected = JSON.parse(exported?.output_type === "stream" ? exported.text : "[]") as number[];
    expect(onnx).toMatchObject({ name: "tiny net.onnx", type: "application/octet-stream", bytes: expected.length });
    expect(Array.from(base64ToBytes(onnx.base64))).toEqual(expected);
    expect(csv).toMatchObject({ name: "losses.csv", type: "text/csv", bytes: 17 });
    expect(new TextDecoder().decode(base64ToBytes(csv.base64))).toBe("epoch,loss\n1,0.5\n");
  });

  it("refuses a bad name, a bad type, a non-byte value or a file over the limit with a clear error, showing nothing", async () => {
    const run = kernel();
    const cases: [string, RegExp][] = [
      [`download("x", "../etc/passwd")`, /filename must be 1-100 letters/],
      [`download("x", "")`, /filename must be/],
      [`download("x", "a.txt", { type: "not a type" })`, /type must be a media type/],
      [`download({ a: 1 }, "a.bin")`, /data must be a string, a Uint8Array or an ArrayBuffer, got object/],
      [`download(new Uint8Array(${MAX_DOWNLOAD_BYTES + 1}), "big.bin")`, /big\.bin is .* at most/],
    ];
    for (const [code, message] of cases) {
      const outputs = await run(code);
      expect(errorOf(outputs), code).toMatch(message);
      expect(files(outputs), code).toEqual([]);
    }
    expect(files(await run(`download(new Uint8Array(${MAX_DOWNLOAD_BYTES}), "limit.bin")`))[0].bytes).toBe(MAX_DOWNLOAD_BYTES);
  });
});

describe("links in outputs", () => {
  it("point only at paths of this site", () => {
    for (const href of ["/models/abc", "/lessons/deployment#publishing"]) expect(isSitePath(href), href).toBe(true);
    for (const href of ["//evil.example/x", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "models/abc", "/models/a b", ""]) expect(isSitePath(href), href).toBe(false);
    expect(() => linkBundle("https://evil.example", "x", "x")).toThrow(/path of this site/);
    expect(linkBundle("/models/abc", "Open", "Published: http://localhost/models/abc")).toEqual({ "text/plain": "Published: http://localhost/models/abc", [LINK_MIME]: { href: "/models/abc", text: "Open" } });
  });
});
