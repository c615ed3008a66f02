import type { Pattern } from "acorn";

/** The names a declaration pattern binds: `{ a, b: [c, ...d] }` binds a, c and d. */
export function boundNames(pattern: Pattern, into: string[] = []): string[] {
  switch (pattern.type) {
    case "Identifier":
      into.push(pattern.name);
      break;
    case "ObjectPattern":
      for (const property of pattern.properties) {
        boundNames(property.type === "RestElement" ? property.argument : property.value, into);
      }
      break;
    case "ArrayPattern":
      for (const element of pattern.elements) if (element) boundNames(element, into);
      break;
    case "RestElement":
      boundNames(pattern.argument, into);
      break;
    case "AssignmentPattern":
      boundNames(pattern.left, into);
      break;
    case "MemberExpression":
      break;
  }
  return into;
}
