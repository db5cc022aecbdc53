// Imported by the Worker before the package: makes every way of compiling
// wasm from bytes, or of fetching it, throw, as deployed Workers do. If the
// package's workerd entry used any of them, importing it would fail.
const refuse = (what) => () => {
  throw new Error(`${what} is not allowed in Workers`);
};

const { Module } = WebAssembly;
const instantiate = WebAssembly.instantiate.bind(WebAssembly);

WebAssembly.compile = refuse('WebAssembly.compile');
WebAssembly.compileStreaming = refuse('WebAssembly.compileStreaming');
WebAssembly.instantiateStreaming = refuse('WebAssembly.instantiateStreaming');
// Instantiating an already compiled module stays allowed; bytes do not.
WebAssembly.instantiate = (source, imports) => {
  if (!(source instanceof Module)) {
    throw new Error('WebAssembly.instantiate from bytes is not allowed in Workers');
  }
  return instantiate(source, imports);
};
WebAssembly.Module = new Proxy(Module, {
  construct: refuse('new WebAssembly.Module'),
});
