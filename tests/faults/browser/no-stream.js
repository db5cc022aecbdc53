// With `?nostream=1` this page behaves like a browser that cannot send a
// ReadableStream as a request body: such a body is turned into its string
// form, "[object ReadableStream]", as older engines do. Blob bodies are left
// alone. The package must still deliver the file's bytes or refuse.
(() => {
  if (!new URLSearchParams(location.search).has('nostream')) {
    return;
  }

  const stringifyStream = (init) => {
    if (init && init.body instanceof ReadableStream) {
      const { duplex, ...rest } = init;
      return { ...rest, body: String(init.body) };
    }
    return init;
  };

  const nativeFetch = globalThis.fetch;
  globalThis.fetch = function fetch(input, init) {
    return nativeFetch.call(this, input, stringifyStream(init));
  };

  const NativeRequest = globalThis.Request;
  globalThis.Request = class Request extends NativeRequest {
    constructor(input, init) {
      super(input, stringifyStream(init));
    }
  };

  const nativeSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function send(body) {
    return nativeSend.call(this, body instanceof ReadableStream ? String(body) : body);
  };

  globalThis.faultSuiteNoStream = true;
})();
