// The same short flow in a page and in a dedicated Web Worker: the browser
// entry with lazy initialisation, a list, a create, a get, and a 404.

/** Runs the flow with the package module `pkg`; resolves to a summary. */
export async function runFlow(pkg, { explicitInit }) {
  if (explicitInit) {
    await pkg.init(new URL('/pkg/dist/upcloud_storage_bg.wasm', location.origin));
  }
  const manager = new pkg.CloudManager({ token: 't' }, { baseUrl: `${location.origin}/1.3` });
  const before = await manager.getStorages('all');
  const disk = await manager.createStorage({ zone: 'fi-hel1', size: 10, title: 'browser disk', encrypted: false });
  const fetched = await manager.getStorage(disk.uuid);

  let notFound = null;
  try {
    await manager.getStorage('01000000-dead-4000-8000-00000000beef');
  } catch (error) {
    notFound = {
      isUpCloudError: error instanceof pkg.UpCloudError,
      isError: error instanceof Error,
      code: error.code,
      status: error.status,
    };
  }

  return {
    listed: Array.isArray(before),
    isStorage: fetched instanceof pkg.Storage,
    uuidMatches: fetched.uuid === disk.uuid,
    encrypted: fetched.encrypted,
    json: JSON.parse(JSON.stringify(fetched)).title,
    notFound,
  };
}
