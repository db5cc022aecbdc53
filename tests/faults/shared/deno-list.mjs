// Deno runner for the shared listing script: imports the installed package
// by name from the scratch app (so Deno picks the package's `deno` export)
// and prints the result as one JSON line.
import { listStorages } from './list-storages.mjs';

const [entry, apiBase, token] = Deno.args;
const { CloudManager } = await import(entry);
console.log(JSON.stringify(await listStorages(CloudManager, { apiBase, token })));
