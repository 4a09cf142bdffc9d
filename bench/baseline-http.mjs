/**
 * Baseline: a bare node:http server answering a fixed JSON document, the physical
 * ceiling of the HTTP stack on one core. Started by bench/run.mjs (PORT in the environment).
 */
import { createServer } from 'node:http';

const body = JSON.stringify({ issuer: 'http://127.0.0.1', ok: true, keys: [] });
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
