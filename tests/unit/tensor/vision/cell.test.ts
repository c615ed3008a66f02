/**
 * torchvision in a learner's cell: the kernel session (the worker's code, run in Node) has the
 * `torchvision` and `transforms` globals, and `import { transforms } from "torchvision"` resolves.
 */
import { describe, expect, it } from "vitest";
import { KernelSession } from "../../../../lib/kernel/worker/session";
import { notebookBuiltins } from "../../../../lib/kernel/worker/builtins";
import { engineGlobals, engineModules } from "../../../../lib/kernel/worker/engine";
import { applyKernelMessage, type CellOutput, type ExecuteReply, type KernelToPage } from "../../../../lib/kernel/protocol";

async function runCell(code: string): Promise<{ reply: ExecuteReply; text: string }> {
  const messages: KernelToPage[] = [];
  const session = new KernelSession((m) => messages.push(m), (s) => ({ ...notebookBuiltins(s), ...engineGlobals() }), engineModules());
  await session.enqueue({ type: "execute_request", msg_id: "m1", cell_id: "c1", code, time_budget_ms: 60_000 });
  const reply = messages.find((m): m is ExecuteReply => m.type === "execute_reply");
  if (!reply) throw new Error("no execute_reply");
  const outputs = messages.reduce<CellOutput[]>((acc, m) => applyKernelMessage(acc, m), []);
  return { reply, text: JSON.stringify(outputs) };
}

describe("torchvision in cells", () => {
  it("globals and the torchvision module", async () => {
    const { reply, text } = await runCell(
      [
        'import { transforms as T2, datasets } from "torchvision";',
        "const t = new transforms.Compose([new transforms.RandomHorizontalFlip(1.0), new T2.Normalize([0.5], [0.5])]);",
        "const y = t(torch.tensor([[[0, 1]]]));",
        'print("out", JSON.stringify(y.tolist()), T2 === torchvision.transforms, typeof datasets.MNIST);',
      ].join("\n"),
    );
    expect(reply.status, text).toBe("ok");
    expect(text).toContain("out [[[1,-1]]] true function");
  }, 60_000);
});
