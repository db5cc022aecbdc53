// The one script that every runtime runs unchanged: it lists the caller's
// private storages through whichever CloudManager the runtime's entry of the
// package exports, and returns plain data that can cross a message channel.

/**
 * Lists private storages and returns `{ titles }`, or `{ error }` with the
 * error's name, code, status and message when the call rejects.
 */
export async function listStorages(CloudManager, { apiBase, token }) {
  try {
    const manager = new CloudManager({ token }, { baseUrl: apiBase });
    const storages = await manager.getStorages('private');
    return { titles: storages.map((storage) => storage.title).sort() };
  } catch (error) {
    return {
      error: {
        name: error?.name ?? null,
        code: error?.code ?? null,
        status: error?.status ?? null,
        message: String(error?.message ?? error),
      },
    };
  }
}
