import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { shutDownGracefully } from './graceful-shutdown.js';

const logger = createLogger({ level: 'silent' });

async function slowServer() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started!: () => void;
  const requestStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  const app = express();
  app.get('/slow', async (_req, res) => {
    started();
    await released;
    res.json({ finished: true });
  });
  app.get('/fast', (_req, res) => {
    res.json({ fast: true });
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, release, requestStarted };
}

it('stops accepting, finishes the request in flight, then stops the workers and closes the store, in that order', async () => {
  const { server, url, release, requestStarted } = await slowServer();
  const steps: string[] = [];
  // A kept-alive idle connection must not hold the shutdown open.
  await fetch(`${url}/fast`);
  const inFlight = fetch(`${url}/slow`).then(async (response) => {
    steps.push('request finished');
    return { status: response.status, body: await response.json() };
  });
  await requestStarted;
  const done = shutDownGracefully({
    server,
    drain: () => steps.push('drained'),
    stopWorkers: [async () => void steps.push('reconciler stopped')],
    closeStore: async () => void steps.push('store closed'),
    logger,
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await expect(fetch(`${url}/fast`)).rejects.toThrow();
  expect(steps).toEqual(['drained']);
  release();
  expect(await inFlight).toEqual({ status: 200, body: { finished: true } });
  expect(await done).toBe(true);
  expect(steps).toEqual(['drained', 'request finished', 'reconciler stopped', 'store closed']);
});

it('cuts connections still busy after the grace period, still closes the store, and says it was not clean', async () => {
  const { server, url, release, requestStarted } = await slowServer();
  const stuck = fetch(`${url}/slow`).then(() => 'answered', () => 'cut');
  await requestStarted;
  let storeClosed = false;
  const clean = await shutDownGracefully({ server, drain: () => {}, stopWorkers: [], closeStore: async () => void (storeClosed = true), logger, graceMs: 100 });
  expect(clean).toBe(false);
  expect(storeClosed).toBe(true);
  expect(await stuck).toBe('cut');
  release();
});
