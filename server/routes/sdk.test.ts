import express from 'express';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSdkRelease, createSdkRouter } from './sdk.js';

const CODE = 'customElements.define("pay-checkout", class extends HTMLElement {});\n';
const HASHED = 'pay-checkout.0123456789ab.js';
let dir: string;
let app: express.Express;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pay-sdk-'));
  writeFileSync(join(dir, 'pay-checkout.js'), CODE);
  writeFileSync(join(dir, HASHED), CODE);
  const integrity = `sha384-${createHash('sha384').update(CODE).digest('base64')}`;
  writeFileSync(join(dir, 'release.json'), JSON.stringify({ file: HASHED, integrity }));
  app = express().use('/sdk', createSdkRouter({ sdkDir: dir }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('/sdk', () => {
  it('serves the stable name with short caching, loadable cross-origin', async () => {
    const response = await request(app).get('/sdk/pay-checkout.js');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('serves the content-hashed copy as immutable for a year', async () => {
    const response = await request(app).get(`/sdk/${HASHED}`);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.text).toBe(CODE);
  });

  it('serves release.json briefly cached, and reads it', async () => {
    const response = await request(app).get('/sdk/release.json');
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(readSdkRelease(dir)).toEqual({ file: HASHED, integrity: `sha384-${createHash('sha384').update(CODE).digest('base64')}` });
    expect(readSdkRelease(join(dir, 'missing'))).toBeUndefined();
  });

  it('answers 404 for an unknown file, not the index of the folder', async () => {
    expect((await request(app).get('/sdk/pay-checkout.ffffffffffff.js')).status).toBe(404);
    expect((await request(app).get('/sdk/')).status).toBe(404);
  });
});
