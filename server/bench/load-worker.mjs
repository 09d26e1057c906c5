/**
 * The bench's HTTP client, in its own process so that the server's CPU time
 * can be measured alone: POSTs each token to its attr_url, `concurrency` at a
 * time. Reads its job as JSON from the file named on the command line and
 * prints `{accepted, seconds}`. Plain JavaScript, run with plain node.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const { url, attrIds, tokens, concurrency } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// node:http with keep-alive: a lighter client than fetch, so the figure is the server's.
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function post(path, body) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', agent, headers: { 'Content-Type': 'application/jwt', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
let accepted = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < tokens.length) {
      const i = next++;
      if ((await post(`/attributes/${attrIds[i]}`, tokens[i])) === 200) accepted += 1;
    }
  }),
);
agent.destroy();
process.stdout.write(JSON.stringify({ accepted, seconds: (performance.now() - started) / 1000 }));
