// Plain JavaScript: worker threads do not inherit the tsx loader.
/** The bench's HTTP client, in its own thread: POSTs each token to its attr_url, `concurrency` at a time. */
import { parentPort, workerData } from 'node:worker_threads';

const { url, attrIds, tokens, concurrency } = workerData;

let next = 0;
let accepted = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < tokens.length) {
      const i = next++;
      const response = await fetch(`${url}/attributes/${attrIds[i]}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/jwt' },
        body: tokens[i],
      });
      if (response.status === 200) accepted += 1;
      await response.arrayBuffer();
    }
  }),
);
parentPort.postMessage({ accepted, seconds: (performance.now() - started) / 1000 });
