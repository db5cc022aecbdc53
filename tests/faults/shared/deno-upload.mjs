// Deno runner for uploads: imports the installed package by name from the
// scratch app and prints the outcome of one upload as a JSON line.
import { uploadImage } from './image-bytes.mjs';

const [entry, apiBase, token, storageUuid, size, kind] = Deno.args;
const { CloudManager } = await import(entry);
const outcome = await uploadImage(CloudManager, { apiBase, token, storageUuid, size: Number(size), kind });
console.log(JSON.stringify(outcome));
