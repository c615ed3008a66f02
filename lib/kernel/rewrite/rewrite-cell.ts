import { parse, type Node, type Program, type Statement, type ImportDeclaration, type VariableDeclaration } from "acorn";
import { simple as walkSimple } from "acorn-walk";
import MagicString from "magic-string";
import { boundNames } from "./names";
import { CellSyntaxError, stripTypes } from "./transpile";
import { ENGINE_MODULES, KERNEL_PARAM, RESERVED_PREFIX, SCOPE_PARAM, TICK, WAIT } from "./reserved";

export interface RewriteOptions {
  /** Shown in stack traces (`//# sourceURL`) so errors can be mapped back to the cell. */
  sourceName: string;
  /** Insert an interrupt check into every loop and around every await (default true). */
  interruptChecks?: boolean;
}

export interface RewrittenCell {
  /** A script whose value is `async (scope, kernel) => result`; line N is the cell's line N. */
  script: string;
  /** Top-level names the cell defines; they live on the shared scope for later cells. */
  declaredNames: string[];
  /** Whether the cell ends in an expression whose value is returned as the result. */
  hasResult: boolean;
}

/**
 * Turns a TypeScript cell into a script that runs inside the notebook's shared scope.
 *
 * Top-level declarations become assignments to the scope object (through `with`), so
 * later cells, and functions defined here, see live values, and re-running a cell simply
 * assigns again. Function declarations keep their hoisting and are published at the top.
 * Every edit keeps line breaks where they were, so stack lines are the learner's lines.
 */
export function rewriteCell(source: string, options: RewriteOptions): RewrittenCell {
  const js = stripTypes(source);
  let program: Program;
  try {
    program = parse(js, { ecmaVersion: "latest", sourceType: "module", allowAwaitOutsideFunction: true, locations: true });
  } catch (error) {
    const { message, loc } = error as Error & { loc?: { line: number; column: number } };
    throw new CellSyntaxError(message.replace(/\s*\(\d+:\d+\)\s*$/, ""), loc?.line ?? null, loc ? loc.column + 1 : null);
  }

  const out = new MagicString(js);
  const declared: string[] = [];
  const hoistedFunctions: string[] = [];

  for (const statement of program.body) {
    switch (statement.type) {
      case "VariableDeclaration":
        declared.push(...rewriteVariableDeclaration(statement, out));
        break;
      case "FunctionDeclaration":
        if (statement.id) {
          declared.push(statement.id.name);
          hoistedFunctions.push(statement.id.name);
        }
        break;
      case "ClassDeclaration":
        if (statement.id) {
          declared.push(statement.id.name);
          out.appendLeft(statement.end, `;${SCOPE_PARAM}.${statement.id.name} = ${statement.id.name};`);
        }
        break;
      case "ImportDeclaration":
        declared.push(...rewriteImport(statement, js, out));
        break;
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
      case "ExportAllDeclaration":
        throw syntaxErrorAt(js, statement, "`export` is not needed in a cell: top-level names are already shared with later cells");
    }
  }

  for (const name of declared) {
    if (name.startsWith(RESERVED_PREFIX)) throw syntaxErrorAt(js, program, `The name "${name}" is reserved for the notebook kernel; please rename it`);
  }

  const last = program.body.at(-1);
  const hasResult = last?.type === "ExpressionStatement";
  if (last && hasResult) {
    // Wrap the whole statement, not `last.expression`: acorn drops parentheses, so for
    // `(row_means)` the expression starts after the `(` and `return (` would land inside it.
    // The statement starts at its first token (the `(`) and ends after its closing paren, or
    // after its `;`, which has to stay outside the wrapper.
    const end = js[last.end - 1] === ";" ? last.end - 1 : last.end;
    out.prependRight(last.start, "return (");
    out.appendLeft(end, ")");
  }

  if (options.interruptChecks !== false) insertInterruptChecks(program, out);

  const unique = [...new Set(declared)];
  // The checks are bound once to block-scoped consts inside the `with`: names declared in the
  // block resolve statically, so each loop iteration skips the scope object's dynamic lookup.
  const prelude =
    (options.interruptChecks !== false ? `const ${TICK} = ${KERNEL_PARAM}.tick, ${WAIT} = ${KERNEL_PARAM}.interruptible;` : "") +
    `${KERNEL_PARAM}.declare(${JSON.stringify(unique)});` +
    hoistedFunctions.map((name) => `${SCOPE_PARAM}.${name} = ${name};`).join("");
  out.prepend(`(async function (${SCOPE_PARAM}, ${KERNEL_PARAM}) { with (${SCOPE_PARAM}) { ${prelude}`);
  out.append(`\n} })\n//# sourceURL=${options.sourceName}`);
  return { script: out.toString(), declaredNames: unique, hasResult };
}

/** `const a = 1, { b } = o;` becomes `;a = 1, ({ b } = o);` (the `;` guards against ASI). */
function rewriteVariableDeclaration(declaration: VariableDeclaration, out: MagicString): string[] {
  const names: string[] = [];
  const first = declaration.declarations[0];
  out.overwrite(declaration.start, first.start, ";");
  for (const declarator of declaration.declarations) {
    names.push(...boundNames(declarator.id));
    const end = declarator.init ? declarator.init.end : declarator.id.end;
    if (declarator.id.type === "ObjectPattern") {
      out.prependRight(declarator.id.start, "(");
      out.appendLeft(end, ")");
    }
    if (!declarator.init) out.appendLeft(declarator.id.end, " = undefined");
  }
  return names;
}

/** `import { nn as n } from "torch"` binds `n` to the bundled engine's `nn`. */
function rewriteImport(declaration: ImportDeclaration, js: string, out: MagicString): string[] {
  const moduleName = String(declaration.source.value);
  if (!ENGINE_MODULES.has(moduleName)) {
    throw syntaxErrorAt(
      js,
      declaration,
      `Cannot import "${moduleName}": cells can only import the bundled engine ("torch", "torchvision"). Everything it exports (torch, nn, F, optim, utils, torchvision, transforms) is already in scope.`,
      "ModuleNotFoundError",
    );
  }
  const names: string[] = [];
  const engineModule = `${KERNEL_PARAM}.importModule(${JSON.stringify(moduleName)})`;
  const assignments = declaration.specifiers.map((specifier) => {
    names.push(specifier.local.name);
    if (specifier.type === "ImportNamespaceSpecifier") return `${specifier.local.name} = ${engineModule}`;
    if (specifier.type === "ImportDefaultSpecifier") return `${specifier.local.name} = ${engineModule}.default`;
    const imported = specifier.imported.type === "Identifier" ? specifier.imported.name : String(specifier.imported.value);
    return `${specifier.local.name} = ${engineModule}[${JSON.stringify(imported)}]`;
  });
  const original = js.slice(declaration.start, declaration.end);
  const keptNewlines = "\n".repeat((original.match(/\n/g) ?? []).length);
  out.overwrite(declaration.start, declaration.end, `;${assignments.join(", ")};${keptNewlines}`);
  return names;
}

type LoopNode = Node & { body: Statement };

/** A cheap flag check at the top of every loop body and around every await. */
function insertInterruptChecks(program: Program, out: MagicString): void {
  const guardLoop = (node: Node) => {
    const { body } = node as LoopNode;
    if (body.type === "BlockStatement") {
      out.appendLeft(body.start + 1, `${TICK}();`);
    } else {
      out.prependRight(body.start, `{${TICK}();`);
      out.appendLeft(body.end, "}");
    }
  };
  walkSimple(program, {
    ForStatement: guardLoop,
    ForInStatement: guardLoop,
    ForOfStatement: guardLoop,
    WhileStatement: guardLoop,
    DoWhileStatement: guardLoop,
    AwaitExpression(node) {
      // `await (a, b)`: acorn's argument is the bare `a, b`, which as call arguments would
      // wait for `a`; its own parentheses keep it one value.
      const sequence = node.argument.type === "SequenceExpression";
      out.prependRight(node.argument.start, sequence ? `${WAIT}((` : `${WAIT}(`);
      out.appendLeft(node.argument.end, sequence ? "))" : ")");
    },
  });
}

function syntaxErrorAt(js: string, node: Node, message: string, name = "SyntaxError"): CellSyntaxError {
  const line = js.slice(0, node.start).split("\n").length;
  const error = new CellSyntaxError(message, line, null);
  error.name = name;
  return error;
}
