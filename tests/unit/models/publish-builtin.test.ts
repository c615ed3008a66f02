import { describe, expect, it } from "vitest";
import { applyKernelMessage, type CellOutput, type KernelToPage } from "@/lib/kernel/protocol";
import { notebookBuiltins } from "@/lib/kernel/worker/builtins";
import { engineGlobals, engineModules } from "@/lib/kernel/worker/engine";
import { NO_PUBLISHER_MESSAGE, type ModelPublisher, type PublishRequest } from "@/lib/kernel/worker/publish";
import { KernelSession } from "@/lib/kernel/worker/session";
import { modelSpecSchema, specToModel, weightsFromBase64 } from "@/lib/kernel/models/spec";
import { LINK_MIME } from "@/lib/kernel/display/mime";
import { torch, type Tensor } from "@/lib/tensor";

function kernel(publisher: ModelPublisher | null) {
  let messages: KernelToPage[] = [];
  const session = new KernelSession((message) => messages.push(message), (s) => ({ ...engineGlobals(), ...notebookBuiltins(s, publisher) }), engineModules());
  let id = 0;
  return async (code: string): Promise<CellOutput[]> => {
    messages = [];
    await session.enqueue({ type: "execute_request", msg_id: `m${++id}`, cell_id: `c${id}`, code, time_budget_ms: 20_000 });
    return messages.reduce<CellOutput[]>((acc, m) => applyKernelMessage(acc, m), []);
  };
}

const text = (outputs: CellOutput[]) => outputs.map((o) => (o.output_type === "stream" ? o.text : o.output_type === "error" ? `${o.ename}: ${o.evalue}` : String(o.data["text/plain"]))).join("\n");

describe("publish_model in a cell", () => {
  it("sends the model as spec + weights the page can rebuild, and shows the link", async () => {
    const sent: PublishRequest[] = [];
    const run = kernel(async (request) => {
      sent.push(request);
      return { id: "abc123", name: request.name, url: "http://localhost/models/abc123" };
    });
    const outputs = await run(`
      torch.manual_seed(3);
      const net = new nn.Sequential(new nn.Linear(784, 8), new nn.ReLU(), new nn.Linear(8, 10));
      const published = await publish_model(net, { name: " digits " });
      print(published.id);
    `);
    expect(text(outputs)).toBe('Published "digits" (3 layers, 25 KB of weights): http://localhost/models/abc123\nabc123\n');
    // The page shows it as a link to the model's page on this site.
    const shown = outputs.find((o) => o.output_type === "display_data");
    expect(shown?.output_type === "display_data" && shown.data[LINK_MIME]).toEqual({ href: "/models/abc123", text: 'Open "digits" and draw a digit' });
    expect(sent).toHaveLength(1);
    expect(sent[0].name).toBe("digits");
    // What was sent rebuilds into the same function: compare against the cell's own net.
    const rebuilt = specToModel(modelSpecSchema.parse(sent[0].spec), weightsFromBase64(sent[0].weights));
    const check = await run("const probe = torch.ones([1, 784]).mul(0.5); print(JSON.stringify((net(probe) as Tensor).tolist()))");
    expect(JSON.parse(text(check))).toEqual((rebuilt(torch.ones([1, 784]).mul(0.5)) as Tensor).tolist());
  });

  it("without a server (Node, lessons:check) it says so; a missing name or an unknown layer is refused before sending", async () => {
    const run = kernel(null);
    expect(text(await run("await publish_model(new nn.Sequential(new nn.Linear(784, 10)), { name: 'x' })"))).toBe(`Error: ${NO_PUBLISHER_MESSAGE}`);
    let calls = 0;
    const counted = kernel(async () => {
      calls++;
      return { id: "x", name: "x", url: "x" };
    });
    expect(text(await counted("await publish_model(new nn.Sequential(new nn.Linear(784, 10)))"))).toMatch(/^TypeError: publish_model\(model, \{ name \}\): name must be 1-80 characters/);
    expect(text(await counted("await publish_model(new nn.Sequential(new nn.Linear(784, 10), new nn.LeakyReLU()), { name: 'x' })"))).toMatch(/layer 1 \(LeakyReLU\) is not a layer the platform can rebuild/);
    expect(calls).toBe(0);
  });

  it("a server refusal reaches the cell as an error with the server's message", async () => {
    const run = kernel(async () => {
      throw new Error("publish_model: the server refused (HTTP 401): Sign in to publish a model: published models belong to an account");
    });
    expect(text(await run("await publish_model(new nn.Sequential(new nn.Linear(784, 10)), { name: 'x' })"))).toBe(
      "Error: publish_model: the server refused (HTTP 401): Sign in to publish a model: published models belong to an account",
    );
  });
});
