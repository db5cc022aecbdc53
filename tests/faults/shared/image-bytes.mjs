// The test image every runtime builds for itself, so Node can check what
// landed in the mock without shipping the bytes across.

/**
 * Returns `length` bytes of a repeating pattern that starts with no known
 * image or compression magic, so uploads of it are sniffed as raw data.
 */
export function imageBytes(length) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) {
    bytes[i] = (i * 31 + 7) & 0xff;
  }
  bytes.set(new TextEncoder().encode('RAW-IMAGE'), 0);
  return bytes;
}

/** Returns a ReadableStream of `bytes` in chunks of `chunkSize`. */
export function streamOf(bytes, chunkSize) {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      // A copy per chunk, because a consumer may transfer (detach) it.
      controller.enqueue(Uint8Array.prototype.slice.call(bytes, offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

/**
 * Uploads an image of `size` bytes into `storageUuid` through a new
 * direct-upload import, as a Blob or as a ReadableStream, and returns
 * plain data: the upload result, or the error's code and message.
 */
export async function uploadImage(CloudManager, { apiBase, token, storageUuid, size, kind }) {
  try {
    const manager = new CloudManager({ token }, { baseUrl: apiBase });
    const created = await manager.createStorageImport({ storage: storageUuid, source: 'direct_upload' });
    const bytes = imageBytes(size);
    const source = kind === 'stream' ? streamOf(bytes, 64 * 1024 + 3) : new Blob([bytes]);
    const result = await manager.uploadFileForStorageImport(created, source, kind === 'stream' ? { size } : {});
    return { result: { ...result } };
  } catch (error) {
    return {
      error: {
        name: error?.name ?? null,
        code: error?.code ?? null,
        message: String(error?.message ?? error),
      },
    };
  }
}
