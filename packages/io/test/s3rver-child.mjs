// Runs s3rver in its own process for the S3 tests. Own process because s3rver signs list
// continuation tokens with DES, which Node 20's OpenSSL 3 only offers with
// --openssl-legacy-provider; the flag stays out of the test worker this way.
// Prints {"port": N} once listening; exits when its stdin closes (the test process ended).
import S3rver from "s3rver";

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: "127.0.0.1",
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on("close", async () => {
  await server.close();
  process.exit(0);
});
