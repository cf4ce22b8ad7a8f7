import Database from 'better-sqlite3';
import cors from 'cors';
import express from 'express';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiSecurityHeaders } from '../../dist/server/http/security-headers.js';
import { createSessionSchema } from '../../dist/server/routes/sessions.js';
import { createSessionTokens } from '../../dist/server/sessions/session-token.js';
import { loadSigningKey } from '../../dist/server/sessions/signing-key.js';
import { MIGRATIONS } from '../../dist/server/store/migrations.js';

// The proxy's two hot routes reduced to the standard pieces they cannot do without, and no proxy
// logic: Express with its JSON parser, helmet's API headers, cors, zod (the proxy's own session
// schema), one SQLite statement on the proxy's schema with its pragmas, and one ES256 signature or
// one remembered token. What the proxy adds over this is its own code; what this costs over bare
// Express is the floor that a proxy built from these pieces cannot go below on this machine.
//
// argv: port, and a file holding the proxy's own GET /api/checkout answer, which this server sends
// back (with the same session fields) so both write the same bytes.
const [port, checkoutAnswerFile] = process.argv.slice(2);
const dataDir = mkdtempSync(join(tmpdir(), 'pay-checkout-floor-'));
const db = new Database(join(dataDir, 'floor.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
for (const migration of MIGRATIONS) db.exec(migration.sql);
const insertSession = db.prepare(
  `INSERT INTO sessions (id, order_id, amount, currency, return_url, locale, capture_method, created_at, expires_at)
   VALUES (@id, @orderId, @amount, @currency, @returnUrl, @locale, @captureMethod, @createdAt, @expiresAt)`,
);
const paymentsOfSession = db.prepare('SELECT * FROM payments WHERE session_id = ? ORDER BY created_at, rowid');
const tokens = createSessionTokens(await loadSigningKey({ dataDir }), `http://localhost:${port}`);
const checkoutAnswer = JSON.parse(readFileSync(checkoutAnswerFile, 'utf8'));

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(apiSecurityHeaders());

app.post('/api/sessions', express.json({ limit: '32kb' }), async (req, res) => {
  const body = createSessionSchema.parse(req.body);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + 15 * 60_000);
  const id = `ses_${randomUUID().replaceAll('-', '')}`;
  insertSession.run({ id, orderId: body.orderId, amount: body.amount, currency: body.currency, returnUrl: body.returnUrl, locale: body.locale, captureMethod: body.captureMethod, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
  res.status(201).json({ sessionId: id, token: await tokens.sign(id, expiresAt), expiresAt: expiresAt.toISOString() });
});

app.get('/api/checkout', cors({ origin: true, methods: ['GET', 'POST'], maxAge: 600 }), async (req, res) => {
  const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
  const { sessionId } = await tokens.verify(token);
  const payments = paymentsOfSession.all(sessionId);
  if (payments.length === 0) throw new Error('the floor session has no payment row to read');
  res.set('Cache-Control', 'no-store').json({ ...checkoutAnswer, session: { ...checkoutAnswer.session, id: sessionId } });
});

// The load's token names a session with one payment, as the proxy's does: the first verification
// checks the signature, the others find the token remembered.
app.get('/token', async (_req, res) => {
  const id = `ses_${randomUUID().replaceAll('-', '')}`;
  const now = new Date().toISOString();
  const expiresAt = new Date(Date.now() + 15 * 60_000);
  insertSession.run({ id, orderId: 'floor', amount: 4800, currency: 'USD', returnUrl: 'http://localhost/', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: expiresAt.toISOString() });
  db.prepare(`INSERT INTO payments (id, session_id, order_id, provider, method_id, amount, currency, status, created_at, updated_at)
    VALUES (?, ?, 'floor', 'milkypay', 'milkypay:card', 4800, 'USD', 'pending', ?, ?)`).run(`pay_${randomUUID()}`, id, now, now);
  res.json({ token: await tokens.sign(id, expiresAt) });
});

app.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
