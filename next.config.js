// @ts-check

/**
 * Cross-origin isolation (COOP + COEP) lets the page share a SharedArrayBuffer with the
 * kernel worker, which is how "Interrupt" stops a cell without losing its state.
 * Everything the app loads is served from its own origin, so require-corp costs nothing.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  reactStrictMode: true,
  // Lets several checkouts' builds (and test runs) coexist in one tree.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `npm test` type-checks the whole project with `tsc --noEmit` as its own step.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "isolated-vm"],
  // forbidden() answers 403 from pages (the /instructor gradebook for learners).
  experimental: { authInterrupts: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
          { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
          { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
          { key: "X-Content-Type-Options", value: "nosniff" },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
