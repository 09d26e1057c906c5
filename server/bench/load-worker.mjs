// Plain JavaScript: worker threads do not inherit the tsx loader.
/** The bench's HTTP client, in its own thread: POSTs each token to its attr_url, `concurrency` at a time. */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, attrIds, tokens, concurrency } = workerData;
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
parentPort.postMessage({ accepted, seconds: (performance.now() - started) / 1000 });
