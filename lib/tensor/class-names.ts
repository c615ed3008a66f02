/**
 * Production bundles minify class bindings (`class Linear` becomes `class cL`), and a class's
 * `name` comes from its binding, so `constructor.name`, a module's repr (`Linear(...)`) and the
 * layer names `inspect.*` prints would all show the minifier's names. Next's bundler (Turbopack,
 * SWC's minifier) has no keep-classnames switch, but export names are part of a module's
 * interface and survive minification: this gives each exported class its export name back.
 */
export function keepClassNames(namespace: object): void {
  const entries = Object.entries(namespace) as [string, unknown][];
  for (const [key, value] of entries) {
    // Python's private classes (torchvision's _DenseLayer) start with an underscore.
    if (typeof value !== "function" || !/^_*[A-Z]/.test(key) || !isClass(value)) continue;
    if (value.name === key) continue;
    // An alias (the same class exported under its own name too) keeps that own name.
    if (entries.some(([other, candidate]) => other === value.name && candidate === value)) continue;
    Object.defineProperty(value, "name", { value: key, configurable: true });
  }
}

function isClass(value: object): boolean {
  return Function.prototype.toString.call(value).startsWith("class");
}
