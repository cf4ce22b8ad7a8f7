/**
 * An HPAY look-alike for sandbox runs and tests: an Express router that speaks the documented API
 * field by field, plus the hosted checkout page a shopper sees. Mount it where `publicUrl` points,
 * for example `app.use('/simulators/hpay', createHpaySimulator({publicUrl: 'http://localhost:3000/simulators/hpay', ...}))`.
 *
 * API routes (relative to the mount point; POST, JSON bodies with the document's field names):
 *   POST /getToken/            {api_key, api_public_key, api_secret_key, mode} → token (lives 15 minutes),
 *                              company, mode, balance {currency, main_balance, profit_balance} (numbers)
 *   POST /payment/             {api_key, public_key, mode, amount, product_name, description, notify_url,
 *                              success_url, cancel_url, token} → transaction_id, checkout_url, amount (string),
 *                              fees (number), currency (the account's)
 *   POST /getPaymentHistory/   {api_key, public_key, mode, statut, date_from, date_to, fetch_limit,
 *                              transaction_id, token} → history (newest first)
 *   POST /getCollectBalance/   {api_key, api_public_key, token} → entreprise_*, main_balance, profit_balance (strings)
 * Shopper pages:
 *   GET  /checkout/?ref=ID     the hosted page: amount, product, a "Pay" and a "Cancel" button
 *   POST /checkout/pay         ref=ID: marks the transaction PAID (once), posts the notification to
 *                              notify_url, then 303 to success_url
 *   POST /checkout/cancel      ref=ID: 303 to cancel_url; the transaction stays UNPAID (no notification)
 *
 * The simulator's own words where the document has none (errors are `{success: false, message,
 * error_code}` with an HTTP status):
 *   101  400  a field is missing or malformed (the message names it)
 *   102  401  api_key / public key / secret key do not match the account
 *   103  401  the token is unknown, or belongs to other keys
 *   104  401  the token is older than 15 minutes ("Token expired")
 *   105  400  mode is not the account's mode
 *   500  500  internal error (the `failNextRequests` fault)
 * - The notification is `POST notify_url` with JSON {transaction_id, status: "PAID", amount,
 *   currency, mode}: the document does not describe it, and the adapter reads it as a signal only.
 * - fetch_limit "offset,count" (or "count"); date_from/date_to compare date_generated's day;
 *   empty strings are no filter. date_generated is UTC, "yyyy-mm-dd hh:mm:ss".
 * - fees are 10% of the amount (the history example: 7000.00 → 700.00, profit 6300); a PAID
 *   transaction adds its profit to profit_balance and its amount to main_balance.
 * - A token stays valid for 15 minutes however often it is used; getToken always makes a new one
 *   and older ones stay valid until they expire.
 */
import { escapeHtml } from '../../pages/html.js';
import { sendSimulatorPage, type SimulatorLogger, type SimulatorTheme } from '../simulator-page.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AmountError, isKnownCurrency, toMajorNumber, toMajorString, toMinorUnits } from '../../payments/money.js';
import type { HpayMode, HpayTransactionStatus } from './hpay-types.js';
import { SimulatorFaults } from '../simulator-faults.js';

export type HpaySimulatorLogger = SimulatorLogger;

/** Fault hooks, for tests only. The object is read on every request, so a test may change it. */
export interface HpaySimulatorFaults {
  /** Answer this many API calls with a 500, doing nothing, then behave again. */
  failNextRequests?: number;
  /** Answer this many calls carrying a token with 104 "Token expired", whatever the token. */
  expireNextTokens?: number;
}

export interface HpaySimulatorOptions {
  apiKey: string;
  publicKey: string;
  secretKey: string;
  mode: HpayMode;
  /** The account's currency: the purchase currency of every payment. */
  currency: string;
  /** The absolute URL the router is mounted at (checkout_url points here). */
  publicUrl: string;
  company?: string;
  logger?: HpaySimulatorLogger;
  /** The clock, in epoch milliseconds (tests move it to expire tokens). */
  now?: () => number;
  faults?: HpaySimulatorFaults;
  /** Configured faults (SIMULATOR_FAULTS): error rate, latency, dropped, duplicated and reordered notifications. */
  faultInjection?: SimulatorFaults;
  /** Starting balances, in minor units. */
  mainBalance?: number;
  profitBalance?: number;
}

/** What a test can read of the simulator's side. */
export interface HpaySimulatorStats {
  /** Requests per API route ('getToken', 'payment', 'getPaymentHistory', 'getCollectBalance'). */
  calls: Record<string, number>;
  /** Notifications posted, and how they were answered. */
  notifications: { url: string; transactionId: string; status: number | 'failed' }[];
}

export interface HpaySimulator extends Router {
  readonly stats: HpaySimulatorStats;
}

export const HPAY_TOKEN_LIFETIME_MS = 15 * 60_000;
const FEE_PERCENT = 10;

interface SimTransaction {
  transactionId: string;
  amount: number;
  fees: number;
  currency: string;
  mode: HpayMode;
  status: HpayTransactionStatus;
  product: string;
  description: string;
  notifyUrl: string;
  successUrl: string;
  cancelUrl: string;
  createdAt: number;
}

class SimError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

const ERRORS = {
  invalid: (message: string) => new SimError(400, 101, message),
  credentials: () => new SimError(401, 102, 'Invalid API credentials'),
  unknownToken: () => new SimError(401, 103, 'Invalid token'),
  expiredToken: () => new SimError(401, 104, 'Token expired'),
  mode: (mode: string) => new SimError(400, 105, `Invalid mode: this account runs in ${mode}`),
};

export function createHpaySimulator(options: HpaySimulatorOptions): HpaySimulator {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? { info() {}, warn() {} };
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const basePath = new URL(publicUrl).pathname.replace(/\/+$/, '');
  const currency = options.currency.toUpperCase();
  if (!isKnownCurrency(currency)) throw new Error(`HPAY simulator: ${options.currency} is not an ISO 4217 currency`);
  const company = options.company ?? 'HPAY Sandbox INC';
  const tokens = new Map<string, { issuedAt: number }>();
  const transactions = new Map<string, SimTransaction>();
  let mainBalance = options.mainBalance ?? 0;
  let profitBalance = options.profitBalance ?? 0;
  const stats: HpaySimulatorStats = { calls: {}, notifications: [] };

  function field(body: Record<string, unknown>, name: string, { optional = false, max = 500 } = {}): string {
    const value = body[name];
    if (value === undefined || value === null || value === '') {
      if (optional) return '';
      throw ERRORS.invalid(`${name} is required`);
    }
    if (typeof value !== 'string' || value.length > max) throw ERRORS.invalid(`${name} must be a string of at most ${max} characters`);
    return value;
  }

  function checkKeys(body: Record<string, unknown>, publicKeyField: 'api_public_key' | 'public_key', withSecret: boolean): void {
    const apiKey = field(body, 'api_key');
    const publicKey = field(body, publicKeyField);
    const secretOk = !withSecret || sameSecret(field(body, 'api_secret_key'), options.secretKey);
    if (!sameSecret(apiKey, options.apiKey) || !sameSecret(publicKey, options.publicKey) || !secretOk) throw ERRORS.credentials();
  }

  function checkMode(body: Record<string, unknown>): void {
    const mode = field(body, 'mode');
    if (mode !== options.mode) throw ERRORS.mode(options.mode);
  }

  function checkToken(body: Record<string, unknown>): void {
    const token = field(body, 'token');
    const faults = options.faults;
    if (faults?.expireNextTokens && faults.expireNextTokens > 0) {
      faults.expireNextTokens -= 1;
      throw ERRORS.expiredToken();
    }
    const known = tokens.get(token);
    if (!known) throw ERRORS.unknownToken();
    if (now() - known.issuedAt >= HPAY_TOKEN_LIFETIME_MS) throw ERRORS.expiredToken();
  }

  function urlField(body: Record<string, unknown>, name: string): string {
    const value = field(body, name, { max: 2000 });
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value;
    } catch {
      // fall through
    }
    throw ERRORS.invalid(`${name} must be an http(s) URL`);
  }

  function amountField(body: Record<string, unknown>): number {
    const value = body.amount;
    if (typeof value !== 'number' && typeof value !== 'string') throw ERRORS.invalid('amount is required');
    let minor: number;
    try {
      minor = toMinorUnits(value, currency);
    } catch (error) {
      throw ERRORS.invalid(`amount: ${error instanceof AmountError ? error.message : 'not an amount'}`);
    }
    if (minor <= 0) throw ERRORS.invalid('amount must be more than 0');
    return minor;
  }

  function major(minor: number): string {
    return toMajorString(minor, currency);
  }

  function historyRow(t: SimTransaction): Record<string, unknown> {
    return {
      transaction_id: t.transactionId,
      amount: major(t.amount),
      fees: major(t.fees),
      profit: toMajorNumber(t.amount - t.fees, currency),
      currency: t.currency,
      mode: t.mode,
      status: t.status,
      product: t.product,
      description: t.description,
      payment_link: checkoutUrl(t.transactionId),
      date_generated: dateTime(t.createdAt),
    };
  }

  function checkoutUrl(transactionId: string): string {
    return `${publicUrl}/checkout/?ref=${encodeURIComponent(transactionId)}`;
  }

  const router = express.Router() as HpaySimulator;
  Object.defineProperty(router, 'stats', { value: stats });
  const api = express.Router();
  const faultInjection = options.faultInjection ?? new SimulatorFaults();
  api.use(faultInjection.api(() => new SimError(500, 500, 'Internal error')));
  router.use(express.json({ limit: '64kb' }));
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  const count = (name: string) => (_req: Request, _res: Response, next: NextFunction) => {
    stats.calls[name] = (stats.calls[name] ?? 0) + 1;
    const faults = options.faults;
    if (faults?.failNextRequests && faults.failNextRequests > 0) {
      faults.failNextRequests -= 1;
      next(new SimError(500, 500, 'Internal error'));
      return;
    }
    next();
  };

  function bodyOf(req: Request): Record<string, unknown> {
    const body = req.body as unknown;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  }

  api.post('/getToken', count('getToken'), (req, res) => {
    const body = bodyOf(req);
    checkKeys(body, 'api_public_key', true);
    checkMode(body);
    const token = randomBytes(24).toString('base64url');
    const issuedAt = now();
    tokens.set(token, { issuedAt });
    logger.info({ mode: options.mode }, 'HPAY simulator: token generated');
    res.json({
      success: true,
      message: 'Token generated',
      token,
      livetime: '15mn',
      time_generated: Math.floor(issuedAt / 1000),
      error_code: 0,
      company,
      mode: options.mode,
      balance: { currency, main_balance: toMajorNumber(mainBalance, currency), profit_balance: toMajorNumber(profitBalance, currency) },
    });
  });

  api.post('/payment', count('payment'), (req, res) => {
    const body = bodyOf(req);
    checkKeys(body, 'public_key', false);
    checkMode(body);
    checkToken(body);
    const amount = amountField(body);
    const transaction: SimTransaction = {
      transactionId: transactionId(),
      amount,
      fees: Math.round((amount * FEE_PERCENT) / 100),
      currency,
      mode: options.mode,
      status: 'UNPAID',
      product: field(body, 'product_name', { max: 255 }),
      description: field(body, 'description', { optional: true, max: 1000 }),
      notifyUrl: urlField(body, 'notify_url'),
      successUrl: urlField(body, 'success_url'),
      cancelUrl: urlField(body, 'cancel_url'),
      createdAt: now(),
    };
    transactions.set(transaction.transactionId, transaction);
    logger.info({ transactionId: transaction.transactionId }, 'HPAY simulator: payment URL generated');
    res.json({
      success: true,
      message: 'Payment URL generated',
      amount: major(amount),
      fees: toMajorNumber(transaction.fees, currency),
      currency,
      transaction_id: transaction.transactionId,
      mode: options.mode,
      company,
      checkout_url: checkoutUrl(transaction.transactionId),
    });
  });

  api.post('/getPaymentHistory', count('getPaymentHistory'), (req, res) => {
    const body = bodyOf(req);
    checkKeys(body, 'public_key', false);
    checkMode(body);
    checkToken(body);
    const statut = field(body, 'statut', { optional: true });
    if (statut !== '' && statut !== 'UNPAID' && statut !== 'PAID') throw ERRORS.invalid('statut must be UNPAID or PAID');
    const dateFrom = dayField(body, 'date_from');
    const dateTo = dayField(body, 'date_to');
    const { offset, limit } = fetchLimit(field(body, 'fetch_limit', { optional: true }));
    const wanted = field(body, 'transaction_id', { optional: true });
    const rows = [...transactions.values()]
      .filter((t) => t.mode === options.mode)
      .filter((t) => statut === '' || t.status === statut)
      .filter((t) => wanted === '' || t.transactionId === wanted)
      .filter((t) => {
        const day = dateTime(t.createdAt).slice(0, 10);
        return (dateFrom === '' || day >= dateFrom) && (dateTo === '' || day <= dateTo);
      })
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(offset, offset + limit)
      .map(historyRow);
    res.json({ success: true, message: 'Data Fetched', error_code: 0, history: rows });
  });

  api.post('/getCollectBalance', count('getCollectBalance'), (req, res) => {
    const body = bodyOf(req);
    checkKeys(body, 'api_public_key', false);
    checkToken(body);
    res.json({
      success: true,
      message: 'Data Fetched',
      error_code: 0,
      entreprise_name: company,
      entreprise_contact: '00000000',
      entreprise_currency: currency,
      main_balance: major(mainBalance),
      profit_balance: major(profitBalance),
    });
  });

  router.use(api);

  // -------------------------------------------------------------------------------------------
  // The hosted page

  function pageTransaction(ref: unknown, res: Response): SimTransaction | undefined {
    const transaction = typeof ref === 'string' ? transactions.get(ref) : undefined;
    if (!transaction) sendPage(res, 404, 'HPAY checkout', '<h1>This payment link is not valid</h1>');
    return transaction;
  }

  router.get('/checkout', (req, res) => {
    const transaction = pageTransaction(req.query.ref, res);
    if (!transaction) return;
    const amount = `${major(transaction.amount)} ${transaction.currency}`;
    if (transaction.status === 'PAID') {
      sendPage(res, 200, 'HPAY checkout', `<h1>Already paid</h1><p>${escapeHtml(amount)} was paid.</p>`);
      return;
    }
    const action = (what: string) => escapeHtml(`${basePath}/checkout/${what}`);
    const ref = `<input type="hidden" name="ref" value="${escapeHtml(transaction.transactionId)}">`;
    sendPage(
      res,
      200,
      'HPAY checkout',
      `<header><span class="brand">HPAY</span>${transaction.mode === 'TEST' ? '<span class="badge">TEST</span>' : ''}</header>
      <h1>Pay ${escapeHtml(amount)}</h1>
      <p class="description">${escapeHtml(transaction.product)}</p>
      <dl><dt>Merchant</dt><dd>${escapeHtml(company)}</dd><dt>Reference</dt><dd>${escapeHtml(transaction.transactionId)}</dd></dl>
      <form method="post" action="${action('pay')}">${ref}<button type="submit">Pay</button></form>
      <form method="post" action="${action('cancel')}">${ref}<button type="submit" class="secondary">Cancel</button></form>`,
    );
  });

  router.post('/checkout/pay', async (req, res) => {
    const transaction = pageTransaction(bodyOf(req).ref, res);
    if (!transaction) return;
    if (transaction.status !== 'PAID') {
      transaction.status = 'PAID';
      mainBalance += transaction.amount;
      profitBalance += transaction.amount - transaction.fees;
      logger.info({ transactionId: transaction.transactionId }, 'HPAY simulator: transaction paid');
      await faultInjection.sendCallback(() => notify(transaction));
    }
    res.redirect(303, transaction.successUrl);
  });

  router.post('/checkout/cancel', (req, res) => {
    const transaction = pageTransaction(bodyOf(req).ref, res);
    if (!transaction) return;
    logger.info({ transactionId: transaction.transactionId }, 'HPAY simulator: shopper canceled');
    res.redirect(303, transaction.status === 'PAID' ? transaction.successUrl : transaction.cancelUrl);
  });

  async function notify(transaction: SimTransaction): Promise<void> {
    const entry: HpaySimulatorStats['notifications'][number] = { url: transaction.notifyUrl, transactionId: transaction.transactionId, status: 'failed' };
    try {
      const response = await fetch(transaction.notifyUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          transaction_id: transaction.transactionId,
          status: transaction.status,
          amount: major(transaction.amount),
          currency: transaction.currency,
          mode: transaction.mode,
        }),
        signal: AbortSignal.timeout(5000),
        redirect: 'manual',
      });
      await response.body?.cancel();
      entry.status = response.status;
    } catch (error) {
      logger.warn({ transactionId: transaction.transactionId, reason: error instanceof Error ? error.name : 'unknown' }, 'HPAY simulator: notification failed');
    }
    stats.notifications.push(entry);
  }

  // -------------------------------------------------------------------------------------------
  // Errors

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ success: false, message: 'No such endpoint', error_code: 404 });
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof SimError) {
      if (error.status === 401) logger.warn({ errorCode: error.errorCode }, `HPAY simulator: ${error.message}`);
      res.status(error.status).json({ success: false, message: error.message, error_code: error.errorCode });
      return;
    }
    // body-parser errors: the status and type only, never the message (it may quote the body).
    const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 400 && status < 500) {
      res.status(status).json({ success: false, message: 'The request body could not be read', error_code: 101 });
      return;
    }
    logger.warn({ name: error instanceof Error ? error.name : typeof error }, 'HPAY simulator: internal error');
    res.status(500).json({ success: false, message: 'Internal error', error_code: 500 });
  });

  return router;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function dayField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw ERRORS.invalid(`${name} must be yyyy-mm-dd`);
  return value;
}

function fetchLimit(value: string): { offset: number; limit: number } {
  if (value === '') return { offset: 0, limit: 50 };
  const match = /^\s*(\d{1,6})\s*(?:,\s*(\d{1,4})\s*)?$/.exec(value);
  if (!match) throw ERRORS.invalid('fetch_limit must be "offset,count"');
  return match[2] === undefined ? { offset: 0, limit: Number(match[1]) } : { offset: Number(match[1]), limit: Number(match[2]) };
}

/** Like the document's "AabBzZ190002AZ": letters and digits. */
function transactionId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(14)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** "2025-11-08 14:42:34", UTC. */
function dateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}


const PAGE_THEME: SimulatorTheme = {
  background: '#eef1f8',
  text: '#151a2c',
  shadow: 'rgb(20 30 80 / 12%)',
  accent: '#1f3fbf',
  focus: '#8fa6ff',
  brandWeight: 800,
  brandSize: 20,
  css: 'form { gap: 0; margin-top: 10px; } .description { color: #555; }',
};

/** HPAY's checkout is a top-level page: it refuses framing. */
function sendPage(res: Response, status: number, title: string, content: string): void {
  sendSimulatorPage(res, { status, title, content, theme: PAGE_THEME, framable: false });
}
