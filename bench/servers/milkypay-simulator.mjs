import express from 'express';
import { createMilkyPaySimulator } from '../../dist/server/providers/milkypay/simulator.js';

// The MilkyPay simulator on its own port, standing in for the real provider the proxy calls. It runs
// the compiled build, as the proxy does, so neither side pays for a TypeScript loader.
const [port, publicKey, apiUser, apiPassword] = process.argv.slice(2);
const app = express();
app.use(createMilkyPaySimulator({ publicKey, apiUser, apiPassword, publicUrl: `http://127.0.0.1:${port}` }));
app.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
