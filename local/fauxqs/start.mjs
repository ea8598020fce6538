// Starts fauxqs (SQS + SNS on one endpoint) for the local stack and the tests: node start.mjs <port>.
// Run under local/child-watchdog.sh, which stops it when its parent goes away.
import { startFauxqs } from "fauxqs";

const port = Number(process.argv[2] ?? 4566);
const server = await startFauxqs({ port, host: "127.0.0.1", logger: false, defaultRegion: process.env.AWS_REGION ?? "us-east-1" });
console.log(`fauxqs listening on http://127.0.0.1:${server.port}`);

const stop = async () => { await server.stop(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
