// Starts fauxqs (SQS + SNS on one endpoint) for the local stack and the tests: node start.mjs <port> [--query-protocol].
// With --query-protocol (the local run), fauxqs listens on a free port behind a front on <port> that also speaks SQS'
// query protocol, which Debian's AWS CLI sends (query-protocol.mjs); the tests and benchmarks talk to fauxqs directly.
// Run under local/child-watchdog.sh, which stops it when its parent goes away.
import { startFauxqs } from "fauxqs";
import { startQueryProtocolFront } from "./query-protocol.mjs";

const port = Number(process.argv[2] ?? 4566);
const queryProtocol = process.argv.includes("--query-protocol");
const server = await startFauxqs({ port: queryProtocol ? 0 : port, host: "127.0.0.1", logger: false,
  defaultRegion: process.env.AWS_REGION ?? "us-east-1" });
const front = queryProtocol ? await startQueryProtocolFront(port, server.port) : null;
console.log(`fauxqs listening on http://127.0.0.1:${port}` + (front ? ` (query protocol too; fauxqs itself on ${server.port})` : ""));

const stop = async () => { front?.close(); await server.stop(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
