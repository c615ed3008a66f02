/**
 * torchvision.models in a learner's TypeScript cell, type-checked against the engine's declarations as the editor loads them
 * (public/vendor/engine-types.json, written by scripts/gen-engine-types.mjs, which node scripts/prepare.mjs and so
 * npm test run first), with the editor's compiler options (app/_components/notebook/monaco-setup.ts): the fine-tuning
 * forms of the tutorials (model.fc = new nn.Linear(model.fc.in_features, 10), classifier[6] swaps) need no casts. The browser test (tests/browser/editor.spec.ts) checks
 * the editor shows diagnostics at all; this one checks what they say, without a browser.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const declarations = path.join(process.cwd(), "public/vendor/engine-types.json");

// monaco-setup.ts's options (Monaco resolves the extra libs as files under file:///gradbook/).
const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  allowNonTsExtensions: true,
  strict: false,
  noImplicitAny: false,
  allowJs: true,
  lib: ["lib.es2022.d.ts", "lib.webworker.d.ts"],
  noEmit: true,
};

let files: Map<string, string>;

/** The diagnostics of one cell (the messages), checked with the engine's declarations as the editor's extra libs. */
function cellDiagnostics(source: string): string[] {
  const cell = "/cells/cell.ts";
  const all = new Map(files);
  all.set(cell, source);
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (f) => all.get(f) ?? read(f);
  const dirExists = host.directoryExists?.bind(host);
  host.fileExists = (f) => all.has(f) || exists(f);
  host.directoryExists = (d) => [...all.keys()].some((f) => f.startsWith(`${d}/`)) || (dirExists?.(d) ?? false);
  host.realpath = (f) => f;
  host.getSourceFile = (f, languageVersion) => {
    const text = all.get(f) ?? read(f);
    return text === undefined ? undefined : ts.createSourceFile(f, text, languageVersion);
  };
  host.getCurrentDirectory = () => "/";
  const program = ts.createProgram([cell, ...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(cell)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}


describe("torchvision.models in a learner's cell type-checks against the generated engine declarations", () => {
  beforeAll(() => {
    if (!existsSync(declarations)) throw new Error(`${declarations} is missing: run node scripts/prepare.mjs (npm test does) first`);
    const json = JSON.parse(readFileSync(declarations, "utf8")) as Record<string, string>;
    files = new Map(Object.entries(json).map(([file, text]) => [`/gradbook/${file}`, text]));
  });

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
