/**
 * WebAssembly's JavaScript API, which browsers and Node.js both provide: declared for the
 * platform-free and Node layers (tsconfig.core.json, tsconfig.node.json), with just the
 * members they use. The browser layer has the DOM library's full declarations instead.
 */
declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  interface Module {}
  interface Instance {
    readonly exports: Exports;
  }
  type Imports = Record<string, Record<string, unknown>>;
  type Exports = Record<string, unknown>;
  function compile(bytes: ArrayBuffer | ArrayBufferView<ArrayBuffer>): Promise<Module>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}
