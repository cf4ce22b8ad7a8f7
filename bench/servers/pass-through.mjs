import { createServer } from 'node:http';
import { outboundFetch } from '../../dist/server/http/outbound-fetch.js';

// A proxy hop with no logic at all: node:http in front of the proxy's own outbound transport,
// forwarding each request to the provider simulator as it came. What it adds to a pay call over
// calling the simulator directly is the least any proxy adds on this machine.
const [port, upstream] = process.argv.slice(2);
createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const answer = await outboundFetch(new URL(req.url, upstream), {
      method: req.method,
      headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? 'application/json' },
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(body);
  } catch (error) {
    res.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
  }
}).listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
