import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const clientEntry = fileURLToPath(new URL('../../visualizations/client/index.ts', import.meta.url));

/** Where `npm run build:client` writes the bundle; package.json's `./client` export points at it. */
export const clientBundleFile = new URL('../../dist/client/numberflow-client.js', import.meta.url);

/** The TypeScript client as one ES module for browsers and Node: no imports, no Node APIs. */
export async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [clientEntry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    banner: { js: '// numberflow client: generated from visualizations/client by esbuild.' },
  });
  return result.outputFiles[0]!.text;
}
