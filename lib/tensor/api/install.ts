/**
 * How the api/ modules put their methods on Tensor.prototype: like class methods (writable,
 * configurable, not enumerable). A method the prototype already has as its own wins, so a
 * method tensor.ts defines in the class is never replaced by a delegation installed later.
 */
export function installMethods(proto: object, ...groups: object[]): void {
  for (const group of groups) {
    for (const [name, fn] of Object.entries(group)) {
      if (Object.prototype.hasOwnProperty.call(proto, name)) continue;
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
    }
  }
}
