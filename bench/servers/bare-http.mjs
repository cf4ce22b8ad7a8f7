import { createServer } from 'node:http';

// The floor: node:http answering a constant JSON body.
const port = Number(process.argv[2]);
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}');
}).listen(port, '127.0.0.1', () => process.send?.('ready'));
