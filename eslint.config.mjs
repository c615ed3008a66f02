import next from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/**
 * The layers of lib/ (docs/architecture.md): what each folder may import of ours. Everything not
 * listed is refused by `no-restricted-imports` as the code is written. The rule does not see
 * dynamic `import()`: tests/unit/architecture/layers.test.ts checks the same graph from every
 * import statement, dynamic ones included, and fails on any cycle between folders.
 */
const LAYERS = {
  tensor: [], // the engine imports nothing else of ours
  kernel: ["tensor"], // and only the engine's public entry (see KERNEL_DEEP_ENGINE)
  lessons: ["kernel"], // only the cell rewrite (see LESSONS_KERNEL)
  grading: ["tensor", "kernel", "lessons"],
  notebook: ["tensor", "kernel", "grading"],
  db: ["generated"], // plus types of grading (type-only imports)
  auth: ["db"],
  api: ["auth", "db", "grading", "lessons"],
  discussion: ["api", "auth", "db", "generated", "lessons"],
};
const LIB_FOLDERS = [...Object.keys(LAYERS), "generated"];
const TYPE_ONLY = { db: ["grading"] };
const MAX_DEPTH = 6;

const any = (names) => `(${names.join("|")})`;

/** Patterns for a file `depth` folders below lib/<folder>/: relative specifiers climb depth + 1 levels to reach lib/. */
function restrictionsFor(folder, depth) {
  const toLib = `(\\.\\./){${depth + 1}}`;
  const toRoot = `(\\.\\./){${depth + 2}}`;
  const lib = (path) => `^(@/lib/|${toLib})${path}`;
  const forbidden = LIB_FOLDERS.filter((name) => name !== folder && !LAYERS[folder].includes(name) && !(TYPE_ONLY[folder] ?? []).includes(name));
  const patterns = [{ regex: `^(@/|${toRoot})app(/|$)`, message: "lib never imports app: move what both need into lib." }];
  if (forbidden.length) {
    patterns.push({
      regex: lib(`${any(forbidden)}(/|$)`),
      message: LAYERS[folder].length
        ? `lib/${folder} may import only ${LAYERS[folder].map((name) => `lib/${name}`).join(", ")} of ours (docs/architecture.md).`
        : `lib/${folder} imports nothing else of ours (docs/architecture.md).`,
    });
  }
  for (const name of TYPE_ONLY[folder] ?? []) {
    patterns.push({ regex: lib(`${name}(/|$)`), allowTypeImports: true, message: `lib/${folder} may import only types from lib/${name}.` });
  }
  if (folder === "kernel") {
    patterns.push({ regex: lib("tensor/(?!index$).+"), message: "lib/kernel imports the engine through its public entry only: import from lib/tensor (index.ts)." });
  }
  if (folder === "lessons") {
    patterns.push({ regex: lib("kernel(/(?!rewrite/).*)?$"), message: "lib/lessons may import only the cell rewrite (lib/kernel/rewrite) of the kernel." });
  }
  return patterns;
}

const layerRules = Object.keys(LAYERS).flatMap((folder) =>
  Array.from({ length: MAX_DEPTH }, (_, depth) => ({
    files: [`lib/${folder}/${"*/".repeat(depth)}*.{ts,tsx,mts,js,mjs}`],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: restrictionsFor(folder, depth) }] },
  })),
);

const config = [
  ...next,
  ...nextTypescript,
  ...layerRules,
  {
    ignores: [".next*/**", "node_modules/**", "lib/generated/**", "public/vendor/**", "next-env.d.ts", "test-results/**", "playwright-report/**"],
  },
];

export default config;
