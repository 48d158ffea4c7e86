import type { SchemeInput } from '../schemes/schemeSchema.js';

/** One demo scheme per platform, seeded in development so the walk-through works at once. */
export const demoSchemes: (SchemeInput & { code: string })[] = [
  {
    code: 'FA000000000000001',
    name: 'Demo Android',
    appName: 'numberflow demo',
    platform: 'Android',
    packageName: 'com.example.numberflow',
    packageSign: '0123456789abcdef0123456789abcdef',
  },
  { code: 'FA000000000000002', name: 'Demo iOS', appName: 'numberflow demo', platform: 'iOS', bundleId: 'com.example.numberflow' },
  {
    code: 'FA000000000000003',
    name: 'Demo HarmonyOS',
    appName: 'numberflow demo',
    platform: 'HarmonyOS',
    packageName: 'com.example.numberflow',
    packageSign: '0123456789abcdef0123456789abcdef',
    appId: '5765880207853624961',
  },
  {
    code: 'FA000000000000004',
    name: 'Demo H5',
    appName: 'numberflow demo',
    platform: 'H5',
    origin: 'http://localhost:3000',
    url: 'http://localhost:3000/demo/',
  },
];
