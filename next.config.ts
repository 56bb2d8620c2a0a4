import type { NextConfig } from 'next';

const isDev = process.env.NODE_ENV === 'development';
const devApiOrigin = process.env.DEV_API_ORIGIN ?? 'http://localhost:3000';

// Production is a static export served by sync-server: no Next server at run time.
// `npm run dev` runs `next dev` beside the sync server and forwards /api to it.
const config: NextConfig = {
  ...(isDev
    ? { rewrites: async () => [{ source: '/api/:path*', destination: `${devApiOrigin}/api/:path*` }] }
    : { output: 'export' as const }),
  trailingSlash: true,
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
  // `npm test` runs tsc and the lint itself; keep `next build` to building.
  typescript: { ignoreBuildErrors: true },
  productionBrowserSourceMaps: false,
};

export default config;
