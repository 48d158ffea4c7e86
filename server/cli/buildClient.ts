import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleClient, clientBundleFile } from '../http/clientBundle.js';

/** `npm run build:client`: the client as one ES module, where package.json's `./client` export points. */
await mkdir(new URL('.', clientBundleFile), { recursive: true });
await writeFile(clientBundleFile, await bundleClient());
console.log(`wrote ${fileURLToPath(clientBundleFile)}`);
