/**
 * A HankoPay look-alike for sandbox runs and tests: an Express router that speaks the documented
 * API field by field (Bearer merchant API key, JSON bodies with the document's names and JSON
 * types), the payment page a paymentLink leads to, and callbacks to the merchant's callback URL.
 * Mount it where `publicUrl` points, for example
 * `app.use('/simulators/hankopay', createHankoPaySimulator({publicUrl: 'http://localhost:3000/simulators/hankopay', ...}))`.
 *
 * API routes (relative to the mount point; every one needs `Authorization: Bearer <apiKey>`,
 * else 401 `{success: false, code: "UNAUTHORIZED", message}`):
 *   POST /api/v1/transactions                        create with card data → {success, transactionId, orderId, status,
 *                                                    statusId, paymentLink, createdAt} (+ statusReason when failed)
 *   GET  /api/v1/transactions/:id/status             → {success, transactionId, orderId, status, statusReason, statusId, updatedAt}
 *                                                    (a refund transaction adds referenceTransactionId)
 *   GET  /api/v1/transactions/:id                    → {success, data: <stored record, card masked>} (a refund's too:
 *                                                    {_id, referenceTransactionId, orderId, status, fromAmount, currency, ...})
 *   GET  /api/v1/transactions?limit=&page=           → {success, data: [{_id, orderId, status, fromAmount, currency, createdAt}],
 *                                                    pagination: {page, limit, total, pages}}, newest first; limit 1-100 (50)
 *   POST /api/v1/transactions/:id/refund             {amount, reason, metadata?} → {success, refundTransactionId,
 *                                                    referenceTransactionId, status: "pending", statusId}
 *   POST /api/v1/payouts                             → {success, payoutTransactionId, orderId, status: "pending", statusId,
 *                                                    payoutLink: null, createdAt}
 *   GET  /api/v1/wallet/balance                      → {success, balance: {wallets: [{walletId, currency, amount, paymentMethod, status}]}}
 * Test hooks (same Bearer key; not part of HankoPay):
 *   POST /_sim/transactions/:id/callback             {status?, amount?, currency?} sends (again) the callback, with the
 *                                                    given words in its body instead of the record's → {delivered: <HTTP status|null>}
 *   POST /_sim/transactions/:id/adjust               {fromAmount?, currency?} changes the stored record, as if HankoPay
 *                                                    had charged another amount
 * Shopper pages (no key; the paymentLink):
 *   GET  /checkout/:token                            the 3-D Secure-like page: amount, masked card, "Pay" and "Cancel"
 *   POST /checkout/:token                            decision=pay|cancel → settles, sends the callback, and posts
 *                                                    {transactionId, orderId, status} to urls.success or urls.failure
 *
 * Test cards (all pass Luhn; any future expiry, any 3-4 digit security code):
 *   4242 4242 4242 4242   success at once (no paymentLink)
 *   4111 1111 1111 1111   pending with a paymentLink (the document's example); "Pay" succeeds
 *   5555 5555 5555 4444   pending with a paymentLink; "Pay" fails 3-D Secure (failed, "3-D Secure authentication failed")
 *   4000 0000 0000 0002   failed at once ("Card declined by the issuer")
 *   4000 0000 0000 9995   failed at once ("Insufficient funds")
 *   any other Luhn-valid number: pending with a paymentLink; "Pay" succeeds. A past expiry fails
 *   at once ("Expired card"); a number failing Luhn is a 400.
 *   "Cancel" on the page makes the transaction `cancelled` ("Cancelled by the customer").
 *
 * The simulator's own words where the document has none: errors are `{success: false, code,
 * message}` with VALIDATION_ERROR (400), UNAUTHORIZED (401), NOT_FOUND (404), DUPLICATE_ORDER_ID
 * (409), TRANSACTION_NOT_REFUNDABLE, REFUND_AMOUNT_EXCEEDED, CURRENCY_MISMATCH,
 * INSUFFICIENT_WALLET_BALANCE (422), INTERNAL_ERROR (500); statuses besides `pending`/`success`
 * are failed and cancelled. A refund is its own transaction, as the document's answer shows: it
 * answers `pending` with its refundTransactionId and referenceTransactionId, and settles at once
 * (its own status lookup then says `success`). The original is left as it was (`success`, no
 * refunded amount on its record): the document never says it changes, so the simulator does
 * not, and the adapter must learn refunds from the refund transaction. A refund above what was
 * charged minus earlier refunds is refused (TRANSACTION_NOT_REFUNDABLE once nothing is left). A
 * successful payment credits the wallet in its currency, a refund or a payout debits it; a
 * payout above the active wallets' balance in its currency is refused. Callbacks are JSON
 * `{transactionId, orderId, status, statusId, amount, currency, updatedAt}` of the original, posted
 * once to urls.callback when a transaction settles or is refunded.
 *
 * Card data: the number and security code are read, checked and dropped within the request. Only
 * the masked number and the holder's name are kept; nothing of a request body is ever logged.
 */
import { escapeHtml } from '../../pages/html.js';
import { sendSimulatorPage, type SimulatorLogger, type SimulatorTheme } from '../simulator-page.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AmountError, isKnownCurrency, toMajorNumber, toMajorString, toMinorUnits } from '../../payments/money.js';
import { maskDigits, passesLuhn } from '../../security/card-masking.js';
import { SimulatorFaults } from '../simulator-faults.js';

export type HankoPaySimulatorLogger = SimulatorLogger;

/** Fault hooks, for tests only. Read on every request, so a test may change them. */
export interface HankoPaySimulatorFaults {
  /** Answer this many authenticated API calls with a 500, doing nothing, then behave again. */
  failNextRequests?: number;
}

export interface HankoPaySimulatorWallet {
  walletId: string;
  currency: string;
  /** Minor units. */
  amount: number;
  status?: 'active' | 'inactive';
}

export interface HankoPaySimulatorOptions {
  apiKey: string;
  /** The absolute URL the router is mounted at (paymentLink points here). */
  publicUrl: string;
  logger?: HankoPaySimulatorLogger;
  faults?: HankoPaySimulatorFaults;
  /** Configured faults (SIMULATOR_FAULTS): error rate, latency, dropped, duplicated and reordered callbacks. */
  faultInjection?: SimulatorFaults;
  /** The merchant's wallets at start; default 2,500.00 USD and 1,000.00 EUR. */
  wallets?: HankoPaySimulatorWallet[];
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  /** For callbacks; the global fetch by default. */
  fetch?: typeof fetch;
}

type CardBehavior = 'success' | 'link' | 'link_fails' | 'declined' | 'insufficient_funds';

/** The deterministic test cards (see the header). */
export const HANKOPAY_TEST_CARDS = {
  successDirect: { number: '4242424242424242', behavior: 'success' },
  paymentLink: { number: '4111111111111111', behavior: 'link' },
  paymentLinkFails: { number: '5555555555554444', behavior: 'link_fails' },
  declined: { number: '4000000000000002', behavior: 'declined' },
  insufficientFunds: { number: '4000000000009995', behavior: 'insufficient_funds' },
} as const satisfies Record<string, { number: string; behavior: CardBehavior }>;

const BEHAVIOR_BY_NUMBER: ReadonlyMap<string, CardBehavior> = new Map(Object.values(HANKOPAY_TEST_CARDS).map((card) => [card.number, card.behavior]));

type TransactionStatus = 'pending' | 'success' | 'failed' | 'cancelled';

interface SimTransaction {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  status: TransactionStatus;
  statusReason: string | null;
  statusId: string;
  /** What its refunds took back, minor units: the simulator's own count, not shown on the record. */
  refunded: number;
  behavior: CardBehavior;
  linkToken: string | null;
  customer: Record<string, string>;
  billingAddress: Record<string, string> | null;
  card: { maskedNumber: string; cardholderName: string };
  urls: { success: string; failure: string; callback: string };
  metadata: Record<string, string> | null;
  createdAt: string;
  updatedAt: string;
}

interface SimRefund {
  id: string;
  referenceId: string;
  orderId: string;
  amount: number;
  currency: string;
  reason: string;
  status: 'pending' | 'success';
  statusId: string;
  createdAt: string;
  updatedAt: string;
}

class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const silentLogger: HankoPaySimulatorLogger = { info: () => undefined, warn: () => undefined };

const DEFAULT_WALLETS: HankoPaySimulatorWallet[] = [
  { walletId: 'wallet_123456', currency: 'USD', amount: 250_000, status: 'active' },
  { walletId: 'wallet_234567', currency: 'EUR', amount: 100_000, status: 'active' },
];

export function createHankoPaySimulator(options: HankoPaySimulatorOptions): Router {
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const basePath = new URL(publicUrl).pathname.replace(/\/+$/, '');
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => Date.now());
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const transactions = new Map<string, SimTransaction>();
  const byLinkToken = new Map<string, SimTransaction>();
  const refunds = new Map<string, SimRefund>();
  const orderIds = new Set<string>();
  const payoutOrderIds = new Set<string>();
  const wallets: Required<HankoPaySimulatorWallet>[] = (options.wallets ?? DEFAULT_WALLETS).map((wallet) => ({ status: 'active', ...wallet }));

  // -------------------------------------------------------------------------------------------
  // Reading requests

  function invalid(message: string): SimError {
    return new SimError(400, 'VALIDATION_ERROR', message);
  }

  function objectOf(value: unknown, name: string): Record<string, unknown> {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${name} must be an object`);
    return value as Record<string, unknown>;
  }

  function requiredString(raw: Record<string, unknown>, name: string, path = name, max = 255): string {
    const value = raw[name];
    if (typeof value !== 'string' || value.trim() === '') throw invalid(`${path} is required (string)`);
    if (value.length > max) throw invalid(`${path} is longer than ${max} characters`);
    return value.trim();
  }

  function optionalStrings(raw: Record<string, unknown>, names: readonly string[], path: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const name of names) {
      const value = raw[name];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string' || value.length > 255) throw invalid(`${path}.${name} must be a string`);
      if (value.trim()) result[name] = value.trim();
    }
    return result;
  }

  function currencyOf(raw: Record<string, unknown>): string {
    const currency = requiredString(raw, 'currency', 'currency', 3);
    if (!isKnownCurrency(currency)) throw invalid('currency must be an ISO 4217 code such as USD');
    return currency;
  }

  function amountOf(raw: Record<string, unknown>, currency: string, name = 'amount'): number {
    const value = raw[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${name} is required (number)`);
    if (value <= 0) throw invalid(`${name} must be greater than 0`);
    try {
      return toMinorUnits(value, currency);
    } catch (error) {
      if (error instanceof AmountError) throw invalid(`${name} has more decimals than ${currency} allows`);
      throw error;
    }
  }

  function urlOf(raw: Record<string, unknown>, name: string, path: string): string {
    const value = requiredString(raw, name, path, 2000);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalid(`${path} must be an absolute http(s) URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`${path} must be an absolute http(s) URL`);
    return value;
  }

  function ipOf(raw: Record<string, unknown>, path: string, required: boolean): string | null {
    const value = raw.ipAddress;
    if ((value === undefined || value === null) && !required) return null;
    if (typeof value !== 'string' || isIP(value) === 0) throw invalid(`${path}.ipAddress must be an IP address`);
    return value;
  }

  /** The card number and expiry, checked; the number is returned masked only. */
  function cardOf(raw: Record<string, unknown>, withSecurityCode: boolean): { masked: string; behavior: CardBehavior; expired: boolean } {
    const number = raw.cardNumber;
    if (typeof number !== 'string' || !/^\d{12,19}$/.test(number)) throw invalid('paymentMethod.cardNumber must be 12 to 19 digits');
    if (!passesLuhn(number)) throw invalid('paymentMethod.cardNumber is not a valid card number');
    const month = raw.expiryMonth;
    const year = raw.expiryYear;
    if (typeof month !== 'string' || !/^(0[1-9]|1[0-2])$/.test(month)) throw invalid('paymentMethod.expiryMonth must be 2 digits, 01 to 12');
    if (typeof year !== 'string' || !/^\d{4}$/.test(year)) throw invalid('paymentMethod.expiryYear must be 4 digits');
    if (withSecurityCode) {
      const code = raw.cardSecurityCode;
      if (typeof code !== 'string' || !/^\d{3,4}$/.test(code)) throw invalid('paymentMethod.cardSecurityCode must be 3 or 4 digits');
    }
    // Valid through the last day of the expiry month.
    const expired = now() >= Date.UTC(Number(year), Number(month), 1);
    return { masked: maskDigits(number), behavior: BEHAVIOR_BY_NUMBER.get(number) ?? 'link', expired };
  }

  function billingAddressOf(raw: Record<string, unknown>): Record<string, string> | null {
    if (raw.billingAddress === undefined || raw.billingAddress === null) return null;
    const address = optionalStrings(objectOf(raw.billingAddress, 'billingAddress'), ['street1', 'street2', 'city', 'state', 'country', 'postalCode'], 'billingAddress');
    if (address.country !== undefined && !/^[A-Z]{2}$/.test(address.country)) throw invalid('billingAddress.country must be an ISO 3166 alpha-2 code');
    return address;
  }

  function metadataOf(raw: Record<string, unknown>): Record<string, string> | null {
    if (raw.metadata === undefined || raw.metadata === null) return null;
    const metadata = objectOf(raw.metadata, 'metadata');
    const result: Record<string, string> = {};
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string' || value.length > 500) throw invalid(`metadata.${key} must be a string`);
      result[key] = value;
    }
    return result;
  }

  // -------------------------------------------------------------------------------------------
  // State

  function iso(): string {
    return new Date(now()).toISOString();
  }

  /** 24 hex digits like the document's ids, with a letter every sixth place so no run of digits looks like a card number. */
  function newId(): string {
    const letters = 'abcdef';
    return [...randomBytes(12).toString('hex')].map((c, i) => (i % 6 === 5 ? letters[parseInt(c, 16) % 6]! : c)).join('');
  }

  function wallet(currency: string): Required<HankoPaySimulatorWallet> {
    let found = wallets.find((item) => item.currency === currency && item.status === 'active');
    if (!found) {
      found = { walletId: `wallet_${newId().slice(0, 6)}`, currency, amount: 0, status: 'active' };
      wallets.push(found);
    }
    return found;
  }

  function settle(transaction: SimTransaction, status: TransactionStatus, reason: string | null): void {
    transaction.status = status;
    transaction.statusReason = reason;
    transaction.updatedAt = iso();
    if (status !== 'pending' && transaction.linkToken) {
      byLinkToken.delete(transaction.linkToken);
      transaction.linkToken = null;
    }
    if (status === 'success') wallet(transaction.currency).amount += transaction.amount;
    logger.info({ transactionId: transaction.id, orderId: transaction.orderId, status, statusReason: reason }, 'hankopay simulator: transaction settled');
  }

  const faultInjection = options.faultInjection ?? new SimulatorFaults();

  function callbackBody(transaction: SimTransaction): Record<string, unknown> {
    return {
      transactionId: transaction.id,
      orderId: transaction.orderId,
      status: transaction.status,
      statusId: transaction.statusId,
      amount: toMajorNumber(transaction.amount, transaction.currency),
      currency: transaction.currency,
      updatedAt: transaction.updatedAt,
    };
  }

  /** Posts a callback once; answers the merchant's HTTP status, or null when it could not be reached. */
  async function sendCallback(transaction: SimTransaction, body: Record<string, unknown>): Promise<number | null> {
    try {
      const response = await fetchImpl(transaction.urls.callback, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      logger.info({ transactionId: transaction.id, status: body.status, httpStatus: response.status }, 'hankopay simulator: callback sent');
      return response.status;
    } catch (error) {
      logger.warn({ transactionId: transaction.id, error: error instanceof Error ? error.name : 'unknown' }, 'hankopay simulator: callback not delivered');
      return null;
    }
  }

  function notify(transaction: SimTransaction): void {
    const body = callbackBody(transaction);
    void faultInjection.sendCallback(() => sendCallback(transaction, body));
  }

  function findTransaction(id: string): SimTransaction {
    const transaction = transactions.get(id);
    if (!transaction) throw new SimError(404, 'NOT_FOUND', 'Transaction not found');
    return transaction;
  }

  function paymentLinkOf(transaction: SimTransaction): string | null {
    return transaction.status === 'pending' && transaction.linkToken ? `${publicUrl}/checkout/${transaction.linkToken}` : null;
  }

  function record(transaction: SimTransaction): Record<string, unknown> {
    return {
      _id: transaction.id,
      orderId: transaction.orderId,
      status: transaction.status,
      statusReason: transaction.statusReason,
      statusId: transaction.statusId,
      fromAmount: toMajorNumber(transaction.amount, transaction.currency),
      currency: transaction.currency,
      paymentLink: paymentLinkOf(transaction),
      customer: transaction.customer,
      billingAddress: transaction.billingAddress,
      paymentMethod: { cardNumber: transaction.card.maskedNumber, cardholderName: transaction.card.cardholderName },
      urls: transaction.urls,
      metadata: transaction.metadata,
      createdAt: transaction.createdAt,
      updatedAt: transaction.updatedAt,
    };
  }

  function refundRecord(refund: SimRefund): Record<string, unknown> {
    return {
      _id: refund.id,
      referenceTransactionId: refund.referenceId,
      orderId: refund.orderId,
      status: refund.status,
      statusReason: refund.reason,
      statusId: refund.statusId,
      fromAmount: toMajorNumber(refund.amount, refund.currency),
      currency: refund.currency,
      createdAt: refund.createdAt,
      updatedAt: refund.updatedAt,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Routes

  const router = express.Router();
  const api = express.Router();
  const hooks = express.Router();
  router.use('/api/v1', requireBearer, injectFaults, faultInjection.api(() => new SimError(500, 'INTERNAL_ERROR', 'Internal error')), express.json({ limit: '64kb' }), api);
  router.use('/_sim', requireBearer, express.json({ limit: '16kb' }), hooks);
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  function requireBearer(req: Request, _res: Response, next: NextFunction): void {
    const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (match && sameSecret(match[1], options.apiKey)) next();
    else next(new SimError(401, 'UNAUTHORIZED', 'Invalid or missing merchant API key'));
  }

  function injectFaults(_req: Request, _res: Response, next: NextFunction): void {
    const faults = options.faults;
    if (faults?.failNextRequests && faults.failNextRequests > 0) {
      faults.failNextRequests -= 1;
      next(new SimError(500, 'INTERNAL_ERROR', 'Internal error'));
      return;
    }
    next();
  }

  const methodNotAllowed = (_req: Request, _res: Response, next: NextFunction) => next(new SimError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed'));

  api
    .route('/transactions')
    .post((req, res) => {
      const raw = objectOf(req.body, 'the body');
      const orderId = requiredString(raw, 'orderId', 'orderId', 64);
      const currency = currencyOf(raw);
      const amount = amountOf(raw, currency);
      const customerRaw = objectOf(raw.customer, 'customer');
      const customer: Record<string, string> = {
        firstName: requiredString(customerRaw, 'firstName', 'customer.firstName'),
        ...optionalStrings(customerRaw, ['lastName', 'email', 'phone'], 'customer'),
        ipAddress: ipOf(customerRaw, 'customer', true)!,
      };
      const billingAddress = billingAddressOf(raw);
      const urlsRaw = objectOf(raw.urls, 'urls');
      const urls = { success: urlOf(urlsRaw, 'success', 'urls.success'), failure: urlOf(urlsRaw, 'failure', 'urls.failure'), callback: urlOf(urlsRaw, 'callback', 'urls.callback') };
      const methodRaw = objectOf(raw.paymentMethod, 'paymentMethod');
      const cardholderName = requiredString(methodRaw, 'cardholderName', 'paymentMethod.cardholderName', 100);
      const card = cardOf(methodRaw, true);
      const metadata = metadataOf(raw);
      if (orderIds.has(orderId)) throw new SimError(409, 'DUPLICATE_ORDER_ID', 'A transaction with this orderId already exists');
      orderIds.add(orderId);
      const created = iso();
      const transaction: SimTransaction = {
        id: newId(),
        orderId,
        amount,
        currency,
        status: 'pending',
        statusReason: null,
        statusId: `hkp_status_${randomBytes(4).toString('hex')}`,
        refunded: 0,
        behavior: card.behavior,
        linkToken: null,
        customer,
        billingAddress,
        card: { maskedNumber: card.masked, cardholderName },
        urls,
        metadata,
        createdAt: created,
        updatedAt: created,
      };
      transactions.set(transaction.id, transaction);
      logger.info({ transactionId: transaction.id, orderId, card: card.masked, behavior: card.behavior }, 'hankopay simulator: transaction created');
      if (card.expired) settle(transaction, 'failed', 'Expired card');
      else if (card.behavior === 'success') settle(transaction, 'success', 'Approved');
      else if (card.behavior === 'declined') settle(transaction, 'failed', 'Card declined by the issuer');
      else if (card.behavior === 'insufficient_funds') settle(transaction, 'failed', 'Insufficient funds');
      else {
        transaction.linkToken = randomBytes(18).toString('base64url');
        byLinkToken.set(transaction.linkToken, transaction);
      }
      res.status(201).json({
        success: true,
        transactionId: transaction.id,
        orderId,
        status: transaction.status,
        ...(transaction.statusReason && transaction.status !== 'success' ? { statusReason: transaction.statusReason } : {}),
        statusId: transaction.statusId,
        paymentLink: paymentLinkOf(transaction),
        createdAt: transaction.createdAt,
      });
      if (transaction.status !== 'pending') notify(transaction);
    })
    .get((req, res) => {
      const limit = pageNumber(req.query.limit, 'limit', 50, 100);
      const page = pageNumber(req.query.page, 'page', 1, Number.MAX_SAFE_INTEGER);
      const all = [...transactions.values()].reverse();
      const pages = Math.ceil(all.length / limit);
      res.json({
        success: true,
        data: all.slice((page - 1) * limit, page * limit).map((transaction) => ({
          _id: transaction.id,
          orderId: transaction.orderId,
          status: transaction.status,
          fromAmount: toMajorNumber(transaction.amount, transaction.currency),
          currency: transaction.currency,
          createdAt: transaction.createdAt,
        })),
        pagination: { page, limit, total: all.length, pages },
      });
    })
    .all(methodNotAllowed);

  function pageNumber(value: unknown, name: string, fallback: number, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw invalid(`${name} must be a whole number from 1${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`);
    }
    return Number(value);
  }

  api
    .route('/transactions/:id/status')
    .get((req, res) => {
      const id = String(req.params.id);
      const refund = refunds.get(id);
      if (refund) {
        res.json({
          success: true,
          transactionId: refund.id,
          referenceTransactionId: refund.referenceId,
          orderId: refund.orderId,
          status: refund.status,
          statusReason: refund.reason,
          statusId: refund.statusId,
          updatedAt: refund.updatedAt,
        });
        return;
      }
      const transaction = findTransaction(id);
      res.json({
        success: true,
        transactionId: transaction.id,
        orderId: transaction.orderId,
        status: transaction.status,
        statusReason: transaction.statusReason,
        statusId: transaction.statusId,
        updatedAt: transaction.updatedAt,
      });
    })
    .all(methodNotAllowed);

  api
    .route('/transactions/:id')
    .get((req, res) => {
      const id = String(req.params.id);
      const refund = refunds.get(id);
      res.json({ success: true, data: refund ? refundRecord(refund) : record(findTransaction(id)) });
    })
    .all(methodNotAllowed);

  api
    .route('/transactions/:id/refund')
    .post((req, res) => {
      const transaction = findTransaction(String(req.params.id));
      const raw = objectOf(req.body, 'the body');
      const amount = amountOf(raw, transaction.currency);
      const reason = requiredString(raw, 'reason', 'reason', 500);
      metadataOf(raw);
      if (transaction.status !== 'success') {
        throw new SimError(422, 'TRANSACTION_NOT_REFUNDABLE', `A ${transaction.status} transaction cannot be refunded`);
      }
      const remaining = transaction.amount - transaction.refunded;
      if (remaining === 0) throw new SimError(422, 'TRANSACTION_NOT_REFUNDABLE', 'A refunded transaction cannot be refunded');
      if (amount > remaining) {
        throw new SimError(
          422,
          'REFUND_AMOUNT_EXCEEDED',
          `Refund amount exceeds the refundable amount: at most ${toMajorString(remaining, transaction.currency)} ${transaction.currency} can be refunded`,
        );
      }
      const created = iso();
      const refund: SimRefund = {
        id: newId(),
        referenceId: transaction.id,
        orderId: transaction.orderId,
        amount,
        currency: transaction.currency,
        reason,
        status: 'pending',
        statusId: `refund_${randomBytes(4).toString('hex')}`,
        createdAt: created,
        updatedAt: created,
      };
      refunds.set(refund.id, refund);
      res.json({ success: true, refundTransactionId: refund.id, referenceTransactionId: transaction.id, status: 'pending', statusId: refund.statusId });
      // Settled at once: the answer says pending, as documented; the refund's own lookup shows the outcome.
      refund.status = 'success';
      refund.updatedAt = iso();
      transaction.refunded += amount;
      wallet(transaction.currency).amount -= amount;
      logger.info({ refundTransactionId: refund.id, transactionId: transaction.id, amount }, 'hankopay simulator: refund settled');
      notify(transaction);
    })
    .all(methodNotAllowed);

  api
    .route('/payouts')
    .post((req, res) => {
      const raw = objectOf(req.body, 'the body');
      const orderId = requiredString(raw, 'orderId', 'orderId', 64);
      const currency = currencyOf(raw);
      const amount = amountOf(raw, currency);
      const beneficiaryRaw = objectOf(raw.beneficiary, 'beneficiary');
      requiredString(beneficiaryRaw, 'firstName', 'beneficiary.firstName');
      optionalStrings(beneficiaryRaw, ['lastName', 'email', 'phone'], 'beneficiary');
      ipOf(beneficiaryRaw, 'beneficiary', false);
      billingAddressOf(raw);
      const destination = objectOf(raw.destination, 'destination');
      if (Object.keys(destination).length === 0 || !Object.values(destination).every((value) => typeof value === 'string' && value.trim() !== '')) {
        throw invalid('destination must name where the money goes (for example walletId)');
      }
      let masked: string | null = null;
      if (raw.paymentMethod !== undefined && raw.paymentMethod !== null) masked = cardOf(objectOf(raw.paymentMethod, 'paymentMethod'), false).masked;
      if (raw.urls !== undefined && raw.urls !== null) urlOf(objectOf(raw.urls, 'urls'), 'callback', 'urls.callback');
      if (payoutOrderIds.has(orderId)) throw new SimError(409, 'DUPLICATE_ORDER_ID', 'A payout with this orderId already exists');
      const available = wallets.filter((item) => item.currency === currency && item.status === 'active').reduce((sum, item) => sum + item.amount, 0);
      if (available < amount) {
        logger.warn({ orderId, currency, available, amount }, 'hankopay simulator: payout refused, wallet balance short');
        throw new SimError(
          422,
          'INSUFFICIENT_WALLET_BALANCE',
          `Insufficient wallet balance: ${toMajorString(available, currency)} ${currency} available, ${toMajorString(amount, currency)} ${currency} requested`,
        );
      }
      payoutOrderIds.add(orderId);
      wallet(currency).amount -= amount;
      const id = newId();
      logger.info({ payoutTransactionId: id, orderId, amount, currency, card: masked }, 'hankopay simulator: payout created');
      res.status(201).json({ success: true, payoutTransactionId: id, orderId, status: 'pending', statusId: `payout_${randomBytes(4).toString('hex')}`, payoutLink: null, createdAt: iso() });
    })
    .all(methodNotAllowed);

  api
    .route('/wallet/balance')
    .get((_req, res) => {
      res.json({
        success: true,
        balance: {
          wallets: wallets.map((item) => ({
            walletId: item.walletId,
            currency: item.currency,
            amount: toMajorNumber(item.amount, item.currency),
            paymentMethod: 'card',
            status: item.status,
          })),
        },
      });
    })
    .all(methodNotAllowed);

  api.use((_req: Request, _res: Response, next: NextFunction) => next(new SimError(404, 'NOT_FOUND', 'No such endpoint')));

  // -------------------------------------------------------------------------------------------
  // Test hooks

  hooks.post('/transactions/:id/callback', async (req, res, next) => {
    try {
      const transaction = findTransaction(String(req.params.id));
      const raw = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
      const body = callbackBody(transaction);
      if (typeof raw.status === 'string') body.status = raw.status;
      if (typeof raw.amount === 'number') body.amount = raw.amount;
      if (typeof raw.currency === 'string') body.currency = raw.currency;
      res.json({ delivered: await sendCallback(transaction, body) });
    } catch (error) {
      next(error);
    }
  });

  hooks.post('/transactions/:id/adjust', (req, res) => {
    const transaction = findTransaction(String(req.params.id));
    const raw = objectOf(req.body, 'the body');
    if (raw.currency !== undefined) transaction.currency = currencyOf(raw);
    if (raw.fromAmount !== undefined) transaction.amount = amountOf(raw, transaction.currency, 'fromAmount');
    logger.info({ transactionId: transaction.id }, 'hankopay simulator: record adjusted');
    res.json({ success: true, data: record(transaction) });
  });

  // -------------------------------------------------------------------------------------------
  // The payment page

  router
    .route('/checkout/:token')
    .get((req, res) => {
      const transaction = byLinkToken.get(String(req.params.token));
      if (!transaction) {
        sendPage(res, 404, 'HankoPay', '<h1>This payment link is not valid</h1><p>It was used already or never existed.</p>');
        return;
      }
      const amount = `${toMajorString(transaction.amount, transaction.currency)} ${transaction.currency}`;
      sendPage(
        res,
        200,
        `HankoPay — Confirm ${amount}`,
        `<header><span class="brand">HankoPay</span><span class="badge">Test mode</span></header>
        <h1>Confirm your payment</h1>
        <p>Your bank asks you to confirm this payment.</p>
        <dl>
          <dt>Amount</dt><dd>${escapeHtml(amount)}</dd>
          <dt>Card</dt><dd>${escapeHtml(transaction.card.maskedNumber)}</dd>
          <dt>Order</dt><dd>${escapeHtml(transaction.orderId)}</dd>
        </dl>
        <form method="post" action="${escapeHtml(`${basePath}/checkout/${String(req.params.token)}`)}">
          <button type="submit" name="decision" value="pay">Pay</button>
          <button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
        </form>
        <p class="note">A simulated payment page: no money moves.</p>`,
      );
    })
    .post((req, res) => {
      const decision = (req.body as Record<string, unknown> | undefined)?.decision;
      if (decision !== 'pay' && decision !== 'cancel') {
        sendPage(res, 400, 'HankoPay', '<h1>Choose "Pay" or "Cancel"</h1>');
        return;
      }
      const transaction = byLinkToken.get(String(req.params.token));
      if (!transaction) {
        sendPage(res, 404, 'HankoPay', '<h1>This payment link is not valid</h1><p>It was used already or never existed.</p>');
        return;
      }
      if (decision === 'cancel') settle(transaction, 'cancelled', 'Cancelled by the customer');
      else if (transaction.behavior === 'link_fails') settle(transaction, 'failed', '3-D Secure authentication failed');
      else settle(transaction, 'success', 'Approved');
      notify(transaction);
      const approved = transaction.status === 'success';
      sendAutoPost(
        res,
        approved ? transaction.urls.success : transaction.urls.failure,
        { transactionId: transaction.id, orderId: transaction.orderId, status: transaction.status },
        approved ? 'Payment approved' : decision === 'cancel' ? 'Payment cancelled' : 'Payment failed',
        'Returning to the shop…',
      );
    })
    .all((_req, res) => {
      res.status(405).set('Allow', 'GET, POST').type('text/plain').send('Method not allowed');
    });

  // -------------------------------------------------------------------------------------------
  // Errors

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ success: false, code: 'NOT_FOUND', message: 'No such endpoint' });
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof SimError) {
      if (error.status === 401) logger.warn({}, 'hankopay simulator: request without a valid merchant API key refused');
      res.status(error.status).json({ success: false, code: error.code, message: error.message });
      return;
    }
    // body-parser errors: the status and type only, never the message (it may quote the body).
    const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
    const type = typeof (error as { type?: unknown })?.type === 'string' ? (error as { type: string }).type : 'unknown';
    if (status >= 400 && status < 500) {
      logger.warn({ status, type }, 'hankopay simulator: unreadable request refused');
      res.status(status).json({ success: false, code: 'VALIDATION_ERROR', message: 'The request body could not be read' });
      return;
    }
    logger.warn({ type, name: error instanceof Error ? error.name : typeof error }, 'hankopay simulator: internal error');
    res.status(500).json({ success: false, code: 'INTERNAL_ERROR', message: 'Internal error' });
  });

  return router;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}


const PAGE_THEME: SimulatorTheme = {
  background: '#f1f0fb',
  text: '#1c1a33',
  shadow: 'rgb(40 30 110 / 12%)',
  accent: '#3d2fb3',
  focus: '#a99cf5',
  css: '.note { color: #555; font-size: 12px; margin: 16px 0 0; }',
};

/** The payment link may be framed by the checkout. */
function sendPage(res: Response, status: number, title: string, content: string, script?: string): void {
  sendSimulatorPage(res, { status, title, content, script, theme: PAGE_THEME, framable: true });
}

/** A page holding a form of hidden fields for `action`, submitted by script (or by its button). */
function sendAutoPost(res: Response, action: string, fields: Record<string, string>, title: string, message: string): void {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  sendPage(
    res,
    200,
    title,
    `<h1>${escapeHtml(title)}</h1>
    <p>${escapeHtml(message)}</p>
    <form id="hankopay-return" method="post" action="${escapeHtml(action)}">${inputs}<button type="submit">Return to the shop</button></form>`,
    "document.getElementById('hankopay-return').submit();",
  );
}
