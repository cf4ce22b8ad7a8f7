import express from 'express';

// Express with nothing but one route: the framework's own cost.
const port = Number(process.argv[2]);
const app = express();
app.get('/', (_req, res) => {
  res.json({ hello: 'world' });
});
app.listen(port, '127.0.0.1', () => process.send?.('ready'));
