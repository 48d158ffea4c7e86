import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { clientTypesFile, clientTypesSource } from '../http/openapi/clientTypes.js';

/** `npm run client:types`: writes the client's types from the OpenAPI document. */
await writeFile(clientTypesFile, await clientTypesSource());
console.log(`wrote ${fileURLToPath(clientTypesFile)}`);
