/**
 * The V8 flags a serving process runs with: the Dockerfile's ENTRYPOINT, `npm start` and the
 * benchmark's server processes all pass these (a test keeps them in step). A 64 MB
 * young-generation semi-space (V8's default is 16 MB): a request's objects die young, and with
 * the default the server scavenged about five times a second at 1,000 req/s, garbage collection
 * took 9–11% of a saturated server's CPU; with 64 MB 3.7%, and the CPU per request fell from 129
 * to 112 µs (`npm run bench:serve`, README "Serving"). The price is longer scavenges, up to
 * 12–22 ms instead of 5–8, well inside the p99.9 bar of 25 ms.
 */
export const SERVE_NODE_FLAGS = ["--max-semi-space-size=64"] as const;
