/**
 * torchvision.models in a learner's TypeScript cell, type-checked against the engine's declarations as the editor loads them
 * (public/vendor/engine-types.json, written by scripts/gen-engine-types.mjs, which node scripts/prepare.mjs and so
 * npm test run first), with the editor's compiler options (app/_components/notebook/monaco-setup.ts): the fine-tuning
 * forms of the tutorials (model.fc = new nn.Linear(model.fc.in_features, 10), classifier[6] swaps) need no casts. The browser test (tests/browser/editor.spec.ts) checks
 * the editor shows diagnostics at all; this one checks what they say, without a browser.
 */
import { describe, expect, it } from "vitest";
import { cellTypeChecker } from "./engine-types-cells";

const cellDiagnostics = cellTypeChecker();

describe("torchvision.models in a learner's cell type-checks against the generated engine declarations", () => {
  it("head swaps without casts: fc, classifier[6], classifier[1], conv1; blocks of layer4; the weight enums", () => {
    const cell = `
const m = torchvision.models.resnet18();
m.fc = new nn.Linear(m.fc.in_features, 10);
const r = torchvision.models.resnet50({ weights: null, num_classes: 10 });
r.fc = new nn.Sequential(new nn.Dropout(0.5), new nn.Linear(2048, 2));
r.conv1 = new nn.Conv2d(1, 64, { kernel_size: 7, stride: 2, padding: 3, bias: false });
const v = torchvision.models.vgg16();
v.classifier[6] = new nn.Linear(v.classifier[6].in_features, 2);
const a = torchvision.models.alexnet();
a.classifier[6] = new nn.Linear(a.classifier[6].in_features, 2);
const mb = torchvision.models.mobilenet_v2({ width_mult: 0.5 });
mb.classifier[1] = new nn.Linear(mb.last_channel, 10);
const s = torchvision.models.squeezenet1_1();
s.classifier[1] = new nn.Conv2d(512, 10, { kernel_size: 1 });
const w = torchvision.models.ResNet18_Weights.DEFAULT;
const g = torchvision.models.get_model("resnet18", { num_classes: 10 });
for (const p of m.parameters()) p.requires_grad_(false);
print(String(w), w.url, torchvision.models.list_models().length, m(torch.randn(1, 3, 32, 32)).shape, m.layer4[1].conv2.weight.shape, g);
`;
    expect(cellDiagnostics(cell)).toEqual([]);
  });

  it("the kernel's transforms global is declared too", () => {
    const cell = "const t = new transforms.Compose([new transforms.Normalize([0.5], [0.5])]);\nconst y: Tensor = t(torch.rand(1, 4, 4));\n";
    expect(cellDiagnostics(cell)).toEqual([]);
  });

  it("a wrong keyword is flagged", () => {
    expect(cellDiagnostics("const m = torchvision.models.resnet18({ num_clases: 10 });\n").join("\n")).toContain("num_clases");
  });
});
