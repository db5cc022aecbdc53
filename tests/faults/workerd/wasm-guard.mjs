// Evaluated before the package (the Worker imports it first): records every
// way of turning bytes into wasm code and every fetch of a .wasm file, so
// the test can show the package used only the module workerd compiled.
export const wasmEvents = [];

const { Module, compile, compileStreaming, instantiate, instantiateStreaming } = WebAssembly;

WebAssembly.Module = new Proxy(Module, {
  construct(target, args, newTarget) {
    wasmEvents.push('new WebAssembly.Module(bytes)');
    return Reflect.construct(target, args, newTarget);
  },
});
WebAssembly.compile = function (...args) {
  wasmEvents.push('WebAssembly.compile');
  return compile.apply(this, args);
};
WebAssembly.instantiate = function (source, ...rest) {
  if (!(source instanceof Module)) {
    wasmEvents.push('WebAssembly.instantiate(bytes)');
  }
  return instantiate.call(this, source, ...rest);
};
if (compileStreaming) {
  WebAssembly.compileStreaming = function (...args) {
    wasmEvents.push('WebAssembly.compileStreaming');
    return compileStreaming.apply(this, args);
  };
}
if (instantiateStreaming) {
  WebAssembly.instantiateStreaming = function (...args) {
    wasmEvents.push('WebAssembly.instantiateStreaming');
    return instantiateStreaming.apply(this, args);
  };
}

const nativeFetch = globalThis.fetch;
globalThis.fetch = function (input, init) {
  const url = String(input?.url ?? input);
  if (url.endsWith('.wasm')) {
    wasmEvents.push(`fetch ${url}`);
  }
  return nativeFetch.call(this, input, init);
};
