/**
 * A directcard look-alike for sandbox runs and tests: an Express router that speaks the documented
 * API field by field (X-API-KEY + X-API-SECRET, JSON bodies with the document's names and JSON
 * types), plus the pages a shopper sees: the 3-D Secure challenge and the hosted checkout. Mount it
 * where `publicUrl` points, for example
 * `app.use('/simulators/directcard', createDirectCardSimulator({publicUrl: 'http://localhost:3000/simulators/directcard', ...}))`.
 *
 * API routes (relative to the mount point; every one needs both headers, else 401):
 *   POST /api/payment                               card payment without 3-D Secure → ApiPaymentResponse
 *   POST /api/pre-authorization                     the same body; holds the amount → ApiPaymentResponse
 *   POST /api/pre-authorization/:paymentId/capture  {amount, currency}, once, up to the held amount
 *   POST /api/3ds                                   starts 3-D Secure → {paymentId, success, resultCode, resultMessage, htmlContent}
 *   POST /api/3ds/:paymentId/complete               {securityKey}, once → ApiPaymentResponse
 *   POST /api/installment-options                   {amount, currency, pan, maxInstallmentCount?, interestPaidByCustomer?} → {options}
 *   POST /api/checkout                              → {checkoutId, redirectUrl}
 *   GET  /api/checkout/:checkoutId                  → ApiPaymentResponse (status null before the shopper pays)
 * Shopper pages (no API headers; they are what the shopper's browser reaches):
 *   POST /3ds/acs/:paymentId                        where htmlContent's form goes (token); decides or shows the challenge
 *   POST /3ds/acs/:paymentId/decide                 decision=complete|fail → auto-posting form of paymentId + securityKey
 *                                                   to successUrl or failureUrl
 *   GET  /checkout-link/:checkoutId                 the hosted checkout page (the document's redirectUrl shape)
 *   POST /checkout-link/:checkoutId/pay             pays with the typed card → auto-posting form of checkoutId to `callback`
 *
 * Test cards (all pass Luhn; any expiry in the future, any 3-4 digit security code):
 *   4111 1111 1111 1111   VISA CREDIT        approved; 3-D Secure without a challenge (the ACS answers at once)
 *   5421 1901 2209 0656   MASTERCARD CREDIT  approved after the challenge (the document's example card)
 *   4000 0000 0000 0002   VISA CREDIT        declined (CARD_DECLINED); with 3-D Secure, at completion
 *   4000 0000 0000 9995   VISA DEBIT         insufficient funds (INSUFFICIENT_FUNDS); with 3-D Secure, at completion
 *   4100 0000 0000 3005   VISA CREDIT        3-D Secure fails (the ACS posts to failureUrl); direct payments approve
 *   5528 7900 0000 0008   MASTERCARD DEBIT   approved after the challenge; no installments (debit)
 *   any other Luhn-valid number: approved after the challenge, scheme by prefix, CREDIT, no installments.
 *   A past expiry is EXPIRED_CARD; a number failing Luhn is a 400.
 *
 * Installments (only /api/3ds and the hosted page take them) depend on the card's prefix and the
 * amount: prefix 54 offers 2, 3, 6, 9 and 12; prefix 41 offers 2, 3 and 6; other prefixes none. A
 * count is offered only when each installment is at least 50.00 (50 minor units times 10^exponent).
 * Interest, when the customer pays it, is 2, 3.5, 7, 10.5 or 14 percent of the amount for 2, 3, 6,
 * 9 or 12 installments, which reproduces the document's example (1000.00 TRY: 2 × 510.00, 3 × 345.00).
 *
 * The simulator's own words where the document has none:
 * - result codes: SUCCESS, CARD_DECLINED, INSUFFICIENT_FUNDS, EXPIRED_CARD,
 *   3DS_AUTHENTICATION_FAILED for outcomes (HTTP 200, status FAILED); VALIDATION_ERROR,
 *   INVALID_INSTALLMENT_COUNT, INVALID_SECURITY_KEY, NOT_3DS_PAYMENT, NOT_PRE_AUTHORIZATION,
 *   PRE_AUTHORIZATION_NOT_APPROVED, CURRENCY_MISMATCH, AMOUNT_EXCEEDS_AUTHORIZED (400),
 *   UNAUTHORIZED (401), PAYMENT_NOT_FOUND / CHECKOUT_NOT_FOUND (404), DUPLICATE_ORDER_ID,
 *   ALREADY_COMPLETED, ALREADY_CAPTURED (409), SYSTEM_ERROR (500), all as {resultCode, resultMessage};
 * - a securityKey exists only once the shopper has answered the challenge, and completes once: a
 *   second completion, even with the right key, is 409; a wrong key is 400 and uses nothing up;
 * - a pre-authorization is captured once; the capture's ApiPaymentResponse carries the captured amount;
 * - the amount of ApiPaymentResponse is the order amount, interest not included;
 * - a checkout looked up before the shopper pays answers the ApiPaymentResponse shape with the
 *   order's orderId, amount, currency and customerId and everything else null, status included:
 *   the document's statuses are SUCCESS, FAILED and ENROLLED, none of which means "not paid yet",
 *   and there is no payment to report;
 * - the hosted page runs no 3-D Secure (test cards' challenge behaviour approves there), and a
 *   checkout is paid once: a declined one stays declined;
 * - orderId is unique across card payments, and across checkouts.
 *
 * Card data: the number and security code are read, checked and dropped within the request.
 * Only the masked number (first six, last four) and the test card's behaviour are kept; nothing
 * of a request body is ever logged, and an unreadable body is reported without its content.
 */
import { escapeHtml } from '../../pages/html.js';
import { sendSimulatorPage, type SimulatorLogger, type SimulatorTheme } from '../simulator-page.js';
import { passesLuhn } from '../../security/card-masking.js';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AmountError, currencyExponent, isKnownCurrency, toMajorNumber, toMajorString, toMinorUnits } from '../../payments/money.js';
import { SimulatorFaults } from '../simulator-faults.js';

export type DirectCardSimulatorLogger = SimulatorLogger;

/** Fault hooks, for tests only. The object is read on every request, so a test may change it. */
export interface DirectCardSimulatorFaults {
  /** Answer this many authenticated API calls with a 500, doing nothing, then behave again. */
  failNextRequests?: number;
}

export interface DirectCardSimulatorOptions {
  apiKey: string;
  apiSecret: string;
  /** The absolute URL the router is mounted at (htmlContent and redirectUrl point here). */
  publicUrl: string;
  logger?: DirectCardSimulatorLogger;
  faults?: DirectCardSimulatorFaults;
  /** Configured faults (SIMULATOR_FAULTS): error rate and latency (directcard sends no server callbacks). */
  faultInjection?: SimulatorFaults;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
}

type CardBehavior = 'frictionless' | 'challenge' | 'declined' | 'insufficient_funds' | 'three_ds_failed';

export interface DirectCardTestCard {
  number: string;
  outcome: string;
  behavior: CardBehavior;
  scheme: string;
  type: 'CREDIT' | 'DEBIT';
  domInt: 'DOM' | 'INT';
}

/** The deterministic test cards (see the header). */
export const DIRECTCARD_TEST_CARDS = {
  approvedWithoutChallenge: { number: '4111111111111111', outcome: 'approved, no challenge', behavior: 'frictionless', scheme: 'VISA', type: 'CREDIT', domInt: 'DOM' },
  approvedAfterChallenge: { number: '5421190122090656', outcome: 'approved after the challenge', behavior: 'challenge', scheme: 'MASTERCARD', type: 'CREDIT', domInt: 'DOM' },
  declined: { number: '4000000000000002', outcome: 'declined', behavior: 'declined', scheme: 'VISA', type: 'CREDIT', domInt: 'INT' },
  insufficientFunds: { number: '4000000000009995', outcome: 'insufficient funds', behavior: 'insufficient_funds', scheme: 'VISA', type: 'DEBIT', domInt: 'DOM' },
  threeDSecureFails: { number: '4100000000003005', outcome: '3-D Secure fails', behavior: 'three_ds_failed', scheme: 'VISA', type: 'CREDIT', domInt: 'DOM' },
  debitNoInstallments: { number: '5528790000000008', outcome: 'approved after the challenge, no installments', behavior: 'challenge', scheme: 'MASTERCARD', type: 'DEBIT', domInt: 'DOM' },
} as const satisfies Record<string, DirectCardTestCard>;

const TEST_CARDS_BY_NUMBER: ReadonlyMap<string, DirectCardTestCard> = new Map(
  Object.values(DIRECTCARD_TEST_CARDS).map((card) => [card.number, card]),
);

/** Installment counts by card prefix; the first matching prefix wins. */
const INSTALLMENT_PLANS: readonly { prefix: string; counts: readonly number[] }[] = [
  { prefix: '54', counts: [2, 3, 6, 9, 12] },
  { prefix: '41', counts: [2, 3, 6] },
];
/** Total interest, in percent of the amount, by installment count. */
const INTEREST_PERCENT: Readonly<Record<number, number>> = { 2: 2, 3: 3.5, 6: 7, 9: 10.5, 12: 14 };
/** Each installment at least this many major units. */
const MIN_INSTALLMENT_MAJOR = 50;
const COMMISSION_PERCENT = 2.5;

type WireStatus = 'SUCCESS' | 'FAILED' | 'ENROLLED';
type PaymentKind = 'payment' | 'pre-authorization' | '3ds' | 'checkout';

const RESULTS = {
  SUCCESS: 'Successful',
  CARD_DECLINED: 'Card declined by the issuer (do not honor)',
  INSUFFICIENT_FUNDS: 'Insufficient funds',
  EXPIRED_CARD: 'Expired card',
  '3DS_AUTHENTICATION_FAILED': '3D Secure authentication failed',
  ENROLLED: 'Card enrolled; 3D Secure authentication pending',
} as const;
type ResultCode = keyof typeof RESULTS;

/** What is kept of a card: never its number or security code. */
interface KeptCard {
  masked: string;
  holderName: string;
  scheme: string;
  type: string;
  domInt: string;
  behavior: CardBehavior;
  expired: boolean;
}

interface ThreeDSecureState {
  successUrl: string;
  failureUrl: string;
  /** Proves a post to the ACS came from the htmlContent we gave out. */
  acsToken: string;
  stage: 'awaiting_shopper' | 'authenticated' | 'failed';
  securityKey: string | null;
  completed: boolean;
}

interface SimPayment {
  paymentId: string;
  orderId: string;
  kind: PaymentKind;
  amount: number;
  currency: string;
  installmentCount: number;
  interestPaidByCustomer: boolean;
  status: WireStatus;
  resultCode: ResultCode;
  card: KeptCard;
  customerId: string | null;
  paymentDate: string;
  externalTransactionId: string;
  authCode: string | null;
  capturedAmount: number | null;
  threeDS: ThreeDSecureState | null;
}

interface SimCheckout {
  checkoutId: string;
  orderId: string;
  amount: number;
  currency: string;
  description: string;
  callback: string;
  customerId: string | null;
  maxInstallmentCount: number;
  interestPaidByCustomer: boolean;
  paymentId: string | null;
}

/** A 4xx/5xx answer in the simulator's error shape. */
class SimError extends Error {
  constructor(
    readonly status: number,
    readonly resultCode: string,
    message: string,
  ) {
    super(message);
  }
}

const silentLogger: DirectCardSimulatorLogger = { info: () => undefined, warn: () => undefined };

export function createDirectCardSimulator(options: DirectCardSimulatorOptions): Router {
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const basePath = new URL(publicUrl).pathname.replace(/\/+$/, '');
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => Date.now());
  const payments = new Map<string, SimPayment>();
  const checkouts = new Map<string, SimCheckout>();
  const cardOrderIds = new Set<string>();
  const checkoutOrderIds = new Set<string>();

  // -------------------------------------------------------------------------------------------
  // Reading requests (field by field, as the document names and types them)

  function body(req: Request): Record<string, unknown> {
    const value: unknown = req.body;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('the body must be a JSON object');
    return value as Record<string, unknown>;
  }

  function invalid(message: string): SimError {
    return new SimError(400, 'VALIDATION_ERROR', message);
  }

  function requiredString(raw: Record<string, unknown>, name: string, max = 255): string {
    const value = raw[name];
    if (typeof value !== 'string' || value.trim() === '') throw invalid(`${name} is required (string)`);
    if (value.length > max) throw invalid(`${name} is longer than ${max} characters`);
    return value.trim();
  }

  function optionalString(raw: Record<string, unknown>, name: string): string | null {
    const value = raw[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || value.length > 255) throw invalid(`${name} must be a string`);
    return value.trim() || null;
  }

  function currencyOf(raw: Record<string, unknown>): string {
    const currency = requiredString(raw, 'currency', 3);
    if (!isKnownCurrency(currency)) throw invalid('currency must be an ISO 4217 code such as TRY');
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

  function optionalInteger(raw: Record<string, unknown>, name: string, min: number, max: number): number | null {
    const value = raw[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw invalid(`${name} must be a whole number from ${min} to ${max}`);
    }
    return value;
  }

  function optionalBoolean(raw: Record<string, unknown>, name: string): boolean | null {
    const value = raw[name];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'boolean') throw invalid(`${name} must be a boolean`);
    return value;
  }

  function urlOf(raw: Record<string, unknown>, name: string): string {
    const value = requiredString(raw, name, 2000);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalid(`${name} must be an absolute http(s) URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`${name} must be an absolute http(s) URL`);
    return value;
  }

  /**
   * The card fields, checked and reduced to what may be kept. The number and the security code
   * are not returned: they end with this call. Messages name fields, never their values.
   */
  function readCard(raw: Record<string, unknown>): KeptCard {
    const holderName = requiredString(raw, 'cardHolderName', 100);
    const pan = raw.pan;
    if (typeof pan !== 'string' || !/^\d{12,19}$/.test(pan)) throw invalid('pan must be 12 to 19 digits');
    if (!passesLuhn(pan)) throw invalid('pan is not a valid card number');
    const month = raw.expiryMonth;
    const year = raw.expiryYear;
    if (typeof month !== 'string' || !/^(0[1-9]|1[0-2])$/.test(month)) throw invalid('expiryMonth must be 2 digits, 01 to 12');
    if (typeof year !== 'string' || !/^\d{2}$/.test(year)) throw invalid('expiryYear must be 2 digits');
    const cvv = raw.cvv;
    if (typeof cvv !== 'string' || !/^\d{3,4}$/.test(cvv)) throw invalid('cvv must be 3 or 4 digits');
    const known = TEST_CARDS_BY_NUMBER.get(pan);
    // The card is valid through the last day of its expiry month.
    const expiresAt = Date.UTC(2000 + Number(year), Number(month), 1);
    return {
      masked: maskPan(pan),
      holderName,
      scheme: known?.scheme ?? schemeOf(pan),
      type: known?.type ?? 'CREDIT',
      domInt: known?.domInt ?? 'INT',
      behavior: known?.behavior ?? 'challenge',
      expired: now() >= expiresAt,
    };
  }

  function connectionOf(raw: Record<string, unknown>): void {
    const ip = raw.requestIp;
    if (typeof ip !== 'string' || isIP(ip) === 0) throw invalid('requestIp must be an IP address');
    const port = raw.requestPort;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw invalid('requestPort must be a port number (1 to 65535)');
    }
  }

  function claimOrderId(orderId: string, set: Set<string>): void {
    if (set.has(orderId)) throw new SimError(409, 'DUPLICATE_ORDER_ID', 'A transaction with this orderId already exists');
    set.add(orderId);
  }

  // -------------------------------------------------------------------------------------------
  // Installments

  function installmentTable(prefixOf: string, amount: number, currency: string, interestPaidByCustomer: boolean, max: number | null) {
    const plan = INSTALLMENT_PLANS.find((candidate) => prefixOf.startsWith(candidate.prefix));
    const minimum = MIN_INSTALLMENT_MAJOR * 10 ** currencyExponent(currency);
    return (plan?.counts ?? [])
      .filter((count) => (max === null || count <= max) && amount >= count * minimum)
      .map((count) => {
        const interest = interestPaidByCustomer ? Math.round((amount * (INTEREST_PERCENT[count] ?? 0)) / 100) : 0;
        const total = amount + interest;
        return { count, interest, total, perInstallment: Math.round(total / count) };
      });
  }

  function checkInstallmentCount(count: number, pan: string, amount: number, currency: string, interestPaidByCustomer: boolean): void {
    if (count === 1) return;
    const offered = installmentTable(pan, amount, currency, interestPaidByCustomer, null).map((option) => option.count);
    if (!offered.includes(count)) {
      throw new SimError(400, 'INVALID_INSTALLMENT_COUNT', `${count} installments are not available for this card and amount`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Payments

  function newPayment(fields: Omit<SimPayment, 'paymentId' | 'paymentDate' | 'externalTransactionId' | 'authCode' | 'capturedAmount' | 'threeDS'> & { threeDS?: ThreeDSecureState }): SimPayment {
    const payment: SimPayment = {
      ...fields,
      paymentId: randomUUID(),
      paymentDate: isoSeconds(now()),
      externalTransactionId: `EXT${randomBytes(6).toString('hex').toUpperCase()}`,
      authCode: fields.status === 'SUCCESS' ? authCode() : null,
      capturedAmount: null,
      threeDS: fields.threeDS ?? null,
    };
    payments.set(payment.paymentId, payment);
    logger.info(
      { paymentId: payment.paymentId, orderId: payment.orderId, kind: payment.kind, card: payment.card.masked, status: payment.status, resultCode: payment.resultCode },
      'directcard simulator: payment created',
    );
    return payment;
  }

  /** The outcome of an authorization without 3-D Secure (direct payment, pre-authorization, hosted page). */
  function authorize(card: KeptCard): { status: WireStatus; resultCode: ResultCode } {
    if (card.expired) return { status: 'FAILED', resultCode: 'EXPIRED_CARD' };
    if (card.behavior === 'declined') return { status: 'FAILED', resultCode: 'CARD_DECLINED' };
    if (card.behavior === 'insufficient_funds') return { status: 'FAILED', resultCode: 'INSUFFICIENT_FUNDS' };
    return { status: 'SUCCESS', resultCode: 'SUCCESS' };
  }

  function interestOf(payment: SimPayment): number {
    if (payment.installmentCount <= 1) return 0;
    return Math.round((payment.amount * (INTEREST_PERCENT[payment.installmentCount] ?? 0)) / 100);
  }

  /** ApiPaymentResponse, every documented field present. */
  function paymentResponse(payment: SimPayment, amount = payment.amount): Record<string, unknown> {
    const merchantInterest = payment.interestPaidByCustomer ? 0 : interestOf(payment);
    const commission = Math.round((amount * COMMISSION_PERCENT) / 100) + merchantInterest;
    return {
      paymentId: payment.paymentId,
      orderId: payment.orderId,
      amount: toMajorNumber(amount, payment.currency),
      installmentCount: payment.installmentCount,
      currency: payment.currency,
      merchantCommission: toMajorNumber(commission, payment.currency),
      status: payment.status,
      paymentDate: payment.paymentDate,
      cardHolderName: payment.card.holderName,
      pan: payment.card.masked,
      domInt: payment.card.domInt,
      cardScheme: payment.card.scheme,
      cardType: payment.card.type,
      loyaltyCode: null,
      externalTransactionId: payment.externalTransactionId,
      authCode: payment.authCode,
      resultCode: payment.resultCode,
      resultMessage: RESULTS[payment.resultCode],
      customerId: payment.customerId,
    };
  }

  function settle(payment: SimPayment, status: WireStatus, resultCode: ResultCode): void {
    payment.status = status;
    payment.resultCode = resultCode;
    payment.paymentDate = isoSeconds(now());
    payment.authCode = status === 'SUCCESS' ? authCode() : null;
    logger.info({ paymentId: payment.paymentId, status, resultCode }, 'directcard simulator: payment settled');
  }

  function directPayment(req: Request, kind: 'payment' | 'pre-authorization'): Record<string, unknown> {
    const raw = body(req);
    const orderId = requiredString(raw, 'orderId', 64);
    const currency = currencyOf(raw);
    const amount = amountOf(raw, currency);
    const card = readCard(raw);
    connectionOf(raw);
    const customerId = optionalString(raw, 'customerId');
    claimOrderId(orderId, cardOrderIds);
    const outcome = authorize(card);
    const payment = newPayment({ orderId, kind, amount, currency, installmentCount: 1, interestPaidByCustomer: false, card, customerId, ...outcome });
    return paymentResponse(payment);
  }

  function findPayment(paymentId: string): SimPayment {
    const payment = payments.get(paymentId);
    if (!payment) throw new SimError(404, 'PAYMENT_NOT_FOUND', 'No payment with this paymentId');
    return payment;
  }

  // -------------------------------------------------------------------------------------------
  // Routes

  const router = express.Router();
  const api = express.Router();
  // Credentials first: a request without them is a 401 whatever its body.
  const faultInjection = options.faultInjection ?? new SimulatorFaults();
  router.use('/api', requireApiKeys, injectFaults, faultInjection.api(() => new SimError(500, 'SYSTEM_ERROR', 'Internal error')), express.json({ limit: '64kb' }), api);
  // The shopper's pages take form posts.
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));

  function requireApiKeys(req: Request, _res: Response, next: NextFunction): void {
    const keyOk = sameSecret(req.get('x-api-key'), options.apiKey);
    const secretOk = sameSecret(req.get('x-api-secret'), options.apiSecret);
    if (keyOk && secretOk) next();
    else next(new SimError(401, 'UNAUTHORIZED', 'Missing or invalid X-API-KEY / X-API-SECRET'));
  }

  function injectFaults(_req: Request, _res: Response, next: NextFunction): void {
    const faults = options.faults;
    if (faults?.failNextRequests && faults.failNextRequests > 0) {
      faults.failNextRequests -= 1;
      next(new SimError(500, 'SYSTEM_ERROR', 'Internal error'));
      return;
    }
    next();
  }

  const methodNotAllowed = (_req: Request, _res: Response, next: NextFunction) => {
    next(new SimError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed'));
  };

  api.route('/payment').post((req, res) => {
    res.json(directPayment(req, 'payment'));
  }).all(methodNotAllowed);

  api.route('/pre-authorization').post((req, res) => {
    res.json(directPayment(req, 'pre-authorization'));
  }).all(methodNotAllowed);

  api.route('/pre-authorization/:paymentId/capture').post((req, res) => {
    const raw = body(req);
    const payment = findPayment(String(req.params.paymentId));
    if (payment.kind !== 'pre-authorization') throw new SimError(400, 'NOT_PRE_AUTHORIZATION', 'This payment is not a pre-authorization');
    if (payment.status !== 'SUCCESS') throw new SimError(400, 'PRE_AUTHORIZATION_NOT_APPROVED', 'This pre-authorization was not approved');
    if (payment.capturedAmount !== null) throw new SimError(409, 'ALREADY_CAPTURED', 'This pre-authorization was already captured');
    const currency = currencyOf(raw);
    if (currency !== payment.currency) throw new SimError(400, 'CURRENCY_MISMATCH', `The pre-authorization is in ${payment.currency}`);
    const amount = amountOf(raw, currency);
    if (amount > payment.amount) {
      throw new SimError(400, 'AMOUNT_EXCEEDS_AUTHORIZED', `At most ${toMajorString(payment.amount, currency)} ${currency} can be captured`);
    }
    payment.capturedAmount = amount;
    payment.paymentDate = isoSeconds(now());
    logger.info({ paymentId: payment.paymentId, captured: amount, authorized: payment.amount }, 'directcard simulator: pre-authorization captured');
    res.json(paymentResponse(payment, amount));
  }).all(methodNotAllowed);

  api.route('/3ds').post((req, res) => {
    const raw = body(req);
    const orderId = requiredString(raw, 'orderId', 64);
    const currency = currencyOf(raw);
    const amount = amountOf(raw, currency);
    const installmentCount = optionalInteger(raw, 'installmentCount', 1, 36) ?? 1;
    const interestPaidByCustomer = optionalBoolean(raw, 'interestPaidByCustomer') ?? false;
    const card = readCard(raw);
    // The prefix is all the table needs; the full number is not kept.
    checkInstallmentCount(installmentCount, String(raw.pan), amount, currency, interestPaidByCustomer);
    const successUrl = urlOf(raw, 'successUrl');
    const failureUrl = urlOf(raw, 'failureUrl');
    connectionOf(raw);
    const customerId = optionalString(raw, 'customerId');
    claimOrderId(orderId, cardOrderIds);
    const common = { orderId, kind: '3ds' as const, amount, currency, installmentCount, interestPaidByCustomer, card, customerId };
    if (card.expired) {
      const payment = newPayment({ ...common, status: 'FAILED', resultCode: 'EXPIRED_CARD' });
      res.json({ paymentId: payment.paymentId, success: false, resultCode: 'EXPIRED_CARD', resultMessage: RESULTS.EXPIRED_CARD, htmlContent: null });
      return;
    }
    const threeDS: ThreeDSecureState = {
      successUrl,
      failureUrl,
      acsToken: randomBytes(18).toString('base64url'),
      stage: 'awaiting_shopper',
      securityKey: null,
      completed: false,
    };
    const payment = newPayment({ ...common, status: 'ENROLLED', resultCode: 'ENROLLED', threeDS });
    res.json({
      paymentId: payment.paymentId,
      success: true,
      resultCode: 'SUCCESS',
      resultMessage: RESULTS.SUCCESS,
      htmlContent: challengeMarkup(payment, threeDS),
    });
  }).all(methodNotAllowed);

  api.route('/3ds/:paymentId/complete').post((req, res) => {
    const raw = body(req);
    const payment = findPayment(String(req.params.paymentId));
    const threeDS = payment.threeDS;
    if (!threeDS) throw new SimError(400, 'NOT_3DS_PAYMENT', 'This payment has no 3D Secure authentication');
    if (threeDS.completed) throw new SimError(409, 'ALREADY_COMPLETED', '3D Secure for this payment was already completed');
    const given = raw.securityKey;
    if (typeof given !== 'string' || threeDS.securityKey === null || !sameSecret(given, threeDS.securityKey)) {
      logger.warn({ paymentId: payment.paymentId }, 'directcard simulator: completion with a wrong securityKey refused');
      throw new SimError(400, 'INVALID_SECURITY_KEY', 'The securityKey is not valid for this payment');
    }
    threeDS.completed = true;
    if (threeDS.stage === 'failed') settle(payment, 'FAILED', '3DS_AUTHENTICATION_FAILED');
    else {
      const outcome = authorize(payment.card);
      settle(payment, outcome.status, outcome.resultCode);
    }
    res.json(paymentResponse(payment));
  }).all(methodNotAllowed);

  api.route('/installment-options').post((req, res) => {
    const raw = body(req);
    const currency = currencyOf(raw);
    const amount = amountOf(raw, currency);
    const pan = raw.pan;
    // A card's first digits are enough to choose its plan; a whole number is accepted too.
    if (typeof pan !== 'string' || !/^\d{6,19}$/.test(pan)) throw invalid('pan must be 6 to 19 digits');
    const max = optionalInteger(raw, 'maxInstallmentCount', 1, 36);
    const interestPaidByCustomer = optionalBoolean(raw, 'interestPaidByCustomer') ?? false;
    const options = installmentTable(pan, amount, currency, interestPaidByCustomer, max).map((option) => ({
      installmentCount: option.count,
      installmentAmount: toMajorNumber(option.perInstallment, currency),
      currency,
      interestAmount: toMajorNumber(option.interest, currency),
      totalAmount: toMajorNumber(option.total, currency),
    }));
    res.json({ options });
  }).all(methodNotAllowed);

  api.route('/checkout').post((req, res) => {
    const raw = body(req);
    const orderId = requiredString(raw, 'orderId', 64);
    const currency = currencyOf(raw);
    const amount = amountOf(raw, currency);
    const description = requiredString(raw, 'description', 255);
    const callback = urlOf(raw, 'callback');
    const customerId = optionalString(raw, 'customerId');
    const maxInstallmentCount = optionalInteger(raw, 'maxInstallmentCount', 1, 36) ?? 1;
    const interestPaidByCustomer = optionalBoolean(raw, 'interestPaidByCustomer') ?? false;
    claimOrderId(orderId, checkoutOrderIds);
    const checkout: SimCheckout = {
      checkoutId: randomUUID(),
      orderId,
      amount,
      currency,
      description,
      callback,
      customerId,
      maxInstallmentCount,
      interestPaidByCustomer,
      paymentId: null,
    };
    checkouts.set(checkout.checkoutId, checkout);
    logger.info({ checkoutId: checkout.checkoutId, orderId }, 'directcard simulator: checkout link created');
    res.json({ checkoutId: checkout.checkoutId, redirectUrl: `${publicUrl}/checkout-link/${checkout.checkoutId}` });
  }).all(methodNotAllowed);

  api.route('/checkout/:checkoutId').get((req, res) => {
    const checkout = checkouts.get(String(req.params.checkoutId));
    if (!checkout) throw new SimError(404, 'CHECKOUT_NOT_FOUND', 'No checkout with this checkoutId');
    const payment = checkout.paymentId ? payments.get(checkout.paymentId) : undefined;
    if (payment) {
      res.json(paymentResponse(payment));
      return;
    }
    res.json({
      paymentId: null,
      orderId: checkout.orderId,
      amount: toMajorNumber(checkout.amount, checkout.currency),
      installmentCount: null,
      currency: checkout.currency,
      merchantCommission: null,
      status: null,
      paymentDate: null,
      cardHolderName: null,
      pan: null,
      domInt: null,
      cardScheme: null,
      cardType: null,
      loyaltyCode: null,
      externalTransactionId: null,
      authCode: null,
      resultCode: null,
      resultMessage: null,
      customerId: checkout.customerId,
    });
  }).all(methodNotAllowed);

  api.use((_req: Request, _res: Response, next: NextFunction) => {
    next(new SimError(404, 'NOT_FOUND', 'No such endpoint'));
  });

  // -------------------------------------------------------------------------------------------
  // 3-D Secure pages

  /** htmlContent: a form that takes the shopper to the ACS, submitted at once where scripts run. */
  function challengeMarkup(payment: SimPayment, threeDS: ThreeDSecureState): string {
    const action = `${publicUrl}/3ds/acs/${payment.paymentId}`;
    return [
      `<form id="directcard-3ds" action="${escapeHtml(action)}" method="POST">`,
      `<input type="hidden" name="token" value="${escapeHtml(threeDS.acsToken)}">`,
      `<p>Your bank will ask you to confirm this payment.</p>`,
      `<button type="submit">Continue to verification</button>`,
      `</form>`,
      `<script>document.getElementById('directcard-3ds').submit();</script>`,
    ].join('');
  }

  /** The ACS's checks: a known 3-D Secure payment, the token from its htmlContent, not yet answered. */
  function acsPayment(req: Request, res: Response): { payment: SimPayment; threeDS: ThreeDSecureState } | undefined {
    const payment = payments.get(String(req.params.paymentId));
    const token = formField(req, 'token');
    const threeDS = payment?.threeDS;
    if (!payment || !threeDS || token === undefined || !sameSecret(token, threeDS.acsToken)) {
      sendPage(res, 403, '3-D Secure verification', '<h1>This verification is not valid</h1><p>Start the payment again from the shop.</p>');
      return undefined;
    }
    if (threeDS.stage !== 'awaiting_shopper') {
      sendPage(res, 409, '3-D Secure verification', '<h1>This verification was already answered</h1><p>You can close this window.</p>');
      return undefined;
    }
    return { payment, threeDS };
  }

  /** Records the shopper's answer, makes the securityKey, and posts both ids back to the merchant. */
  function decide(res: Response, payment: SimPayment, threeDS: ThreeDSecureState, authenticated: boolean): void {
    threeDS.stage = authenticated ? 'authenticated' : 'failed';
    threeDS.securityKey = `3DS_${randomBytes(18).toString('hex').toUpperCase()}`;
    logger.info({ paymentId: payment.paymentId, stage: threeDS.stage }, 'directcard simulator: 3-D Secure answered');
    sendAutoPost(
      res,
      authenticated ? threeDS.successUrl : threeDS.failureUrl,
      { paymentId: payment.paymentId, securityKey: threeDS.securityKey },
      authenticated ? 'Verification complete' : 'Verification failed',
      'Returning to the shop…',
    );
  }

  router.route('/3ds/acs/:paymentId').post((req, res) => {
    const found = acsPayment(req, res);
    if (!found) return;
    const { payment, threeDS } = found;
    if (payment.card.behavior === 'frictionless') {
      decide(res, payment, threeDS, true);
      return;
    }
    if (payment.card.behavior === 'three_ds_failed') {
      decide(res, payment, threeDS, false);
      return;
    }
    const amount = `${toMajorString(payment.amount, payment.currency)} ${payment.currency}`;
    const installments = payment.installmentCount > 1 ? `<dt>Installments</dt><dd>${payment.installmentCount}</dd>` : '';
    sendPage(
      res,
      200,
      '3-D Secure verification',
      `<header><span class="brand">directcard</span><span class="badge">Test bank</span></header>
      <h1>Confirm your payment</h1>
      <p>Your bank asks you to confirm this payment.</p>
      <dl>
        <dt>Amount</dt><dd>${escapeHtml(amount)}</dd>
        <dt>Card</dt><dd>${escapeHtml(payment.card.masked)}</dd>
        ${installments}
      </dl>
      <form method="post" action="${escapeHtml(`${basePath}/3ds/acs/${payment.paymentId}/decide`)}">
        <input type="hidden" name="token" value="${escapeHtml(threeDS.acsToken)}">
        <button type="submit" name="decision" value="complete">Complete verification</button>
        <button type="submit" name="decision" value="fail" class="secondary">Fail verification</button>
      </form>
      <p class="note">A simulated bank page: no money moves.</p>`,
    );
  }).all(pageMethodNotAllowed);

  router.route('/3ds/acs/:paymentId/decide').post((req, res) => {
    const decision = formField(req, 'decision');
    if (decision !== 'complete' && decision !== 'fail') {
      sendPage(res, 400, '3-D Secure verification', '<h1>Choose "Complete verification" or "Fail verification"</h1>');
      return;
    }
    const found = acsPayment(req, res);
    if (!found) return;
    decide(res, found.payment, found.threeDS, decision === 'complete');
  }).all(pageMethodNotAllowed);

  // -------------------------------------------------------------------------------------------
  // Hosted checkout pages

  router.route('/checkout-link/:checkoutId').get((req, res) => {
    const checkout = checkouts.get(String(req.params.checkoutId));
    if (!checkout) {
      sendPage(res, 404, 'directcard checkout', '<h1>This payment link is not valid</h1>');
      return;
    }
    const payment = checkout.paymentId ? payments.get(checkout.paymentId) : undefined;
    if (payment) {
      sendCheckoutResult(res, checkout, payment, false);
      return;
    }
    sendCheckoutForm(res, 200, checkout);
  }).all(pageMethodNotAllowed);

  router.route('/checkout-link/:checkoutId/pay').post((req, res) => {
    const checkout = checkouts.get(String(req.params.checkoutId));
    if (!checkout) {
      sendPage(res, 404, 'directcard checkout', '<h1>This payment link is not valid</h1>');
      return;
    }
    const paid = checkout.paymentId ? payments.get(checkout.paymentId) : undefined;
    if (paid) {
      sendCheckoutResult(res, checkout, paid, false);
      return;
    }
    const form: Record<string, unknown> = {};
    for (const name of ['cardHolderName', 'pan', 'expiryMonth', 'expiryYear', 'cvv']) {
      const value = formField(req, name);
      form[name] = name === 'pan' ? value?.replace(/[\s-]/g, '') : value;
    }
    let card: KeptCard;
    let installmentCount: number;
    try {
      card = readCard(form);
      installmentCount = Number(formField(req, 'installmentCount') ?? '1');
      if (!Number.isInteger(installmentCount) || installmentCount < 1 || installmentCount > checkout.maxInstallmentCount) {
        throw new SimError(400, 'INVALID_INSTALLMENT_COUNT', 'Choose one of the listed installment options');
      }
      checkInstallmentCount(installmentCount, String(form.pan), checkout.amount, checkout.currency, checkout.interestPaidByCustomer);
    } catch (error) {
      if (!(error instanceof SimError)) throw error;
      sendCheckoutForm(res, 400, checkout, error.message);
      return;
    }
    const outcome: { status: WireStatus; resultCode: ResultCode } =
      card.behavior === 'three_ds_failed' && !card.expired ? { status: 'FAILED', resultCode: '3DS_AUTHENTICATION_FAILED' } : authorize(card);
    const payment = newPayment({
      orderId: checkout.orderId,
      kind: 'checkout',
      amount: checkout.amount,
      currency: checkout.currency,
      installmentCount,
      interestPaidByCustomer: checkout.interestPaidByCustomer,
      card,
      customerId: checkout.customerId,
      ...outcome,
    });
    checkout.paymentId = payment.paymentId;
    sendCheckoutResult(res, checkout, payment, true);
  }).all(pageMethodNotAllowed);

  function sendCheckoutForm(res: Response, status: number, checkout: SimCheckout, error?: string): void {
    const amount = `${toMajorString(checkout.amount, checkout.currency)} ${checkout.currency}`;
    const installments =
      checkout.maxInstallmentCount > 1
        ? `<label>Installments<select name="installmentCount">${Array.from({ length: checkout.maxInstallmentCount }, (_, i) => i + 1)
            .map((count) => `<option value="${count}">${count === 1 ? 'Single payment' : `${count} installments`}</option>`)
            .join('')}</select></label>`
        : '';
    sendPage(
      res,
      status,
      `directcard — Pay ${amount}`,
      `<header><span class="brand">directcard</span><span class="badge">Test mode</span></header>
      <h1>Pay ${escapeHtml(amount)}</h1>
      <p class="description">${escapeHtml(checkout.description)}</p>
      ${error ? `<p class="error" role="alert" id="pay-error">${escapeHtml(error)}</p>` : ''}
      <form method="post" action="${escapeHtml(`${basePath}/checkout-link/${checkout.checkoutId}/pay`)}" ${error ? 'aria-describedby="pay-error"' : ''}>
        <label>Card number<input name="pan" inputmode="numeric" autocomplete="cc-number" required></label>
        <div class="row">
          <label>Expiry month (MM)<input name="expiryMonth" inputmode="numeric" autocomplete="cc-exp-month" maxlength="2" required></label>
          <label>Expiry year (YY)<input name="expiryYear" inputmode="numeric" autocomplete="cc-exp-year" maxlength="2" required></label>
        </div>
        <label>Security code<input name="cvv" inputmode="numeric" autocomplete="cc-csc" maxlength="4" required></label>
        <label>Name on card<input name="cardHolderName" autocomplete="cc-name" required></label>
        ${installments}
        <button type="submit">Pay ${escapeHtml(amount)}</button>
      </form>
      <p class="note">A simulated payment page: no money moves.</p>`,
    );
  }

  /** The outcome, and the callback post of checkoutId; submitted at once right after paying. */
  function sendCheckoutResult(res: Response, checkout: SimCheckout, payment: SimPayment, autoSubmit: boolean): void {
    const approved = payment.status === 'SUCCESS';
    const title = approved ? 'Payment approved' : 'Payment declined';
    sendAutoPost(res, checkout.callback, { checkoutId: checkout.checkoutId }, title, approved ? 'Returning to the shop…' : RESULTS[payment.resultCode], autoSubmit);
  }

  // -------------------------------------------------------------------------------------------
  // Errors

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ resultCode: 'NOT_FOUND', resultMessage: 'No such endpoint' });
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof SimError) {
      if (error.status === 401) logger.warn({}, 'directcard simulator: request without valid API credentials refused');
      res.status(error.status).json({ resultCode: error.resultCode, resultMessage: error.message });
      return;
    }
    // body-parser errors: the status and type only, never the message (it may quote the body).
    const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
    const type = typeof (error as { type?: unknown })?.type === 'string' ? (error as { type: string }).type : 'unknown';
    if (status >= 400 && status < 500) {
      logger.warn({ status, type }, 'directcard simulator: unreadable request refused');
      res.status(status).json({ resultCode: 'INVALID_REQUEST', resultMessage: 'The request body could not be read' });
      return;
    }
    logger.warn({ type, name: error instanceof Error ? error.name : typeof error }, 'directcard simulator: internal error');
    res.status(500).json({ resultCode: 'SYSTEM_ERROR', resultMessage: 'Internal error' });
  });

  return router;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function pageMethodNotAllowed(_req: Request, res: Response): void {
  res.status(405).set('Allow', 'GET, POST').type('text/plain').send('Method not allowed');
}

function formField(req: Request, name: string): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}


function maskPan(pan: string): string {
  return `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;
}

function schemeOf(pan: string): string {
  if (pan.startsWith('4')) return 'VISA';
  if (/^(5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720))/.test(pan)) return 'MASTERCARD';
  if (/^3[47]/.test(pan)) return 'AMEX';
  if (pan.startsWith('9792')) return 'TROY';
  return 'UNKNOWN';
}

function authCode(): string {
  return String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000));
}

/** ISO 8601 to the second, as the document's example writes it (2023-05-01T14:30:00Z). */
function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}


const PAGE_THEME: SimulatorTheme = {
  background: '#eef4f1',
  text: '#14231c',
  shadow: 'rgb(20 60 40 / 12%)',
  accent: '#0f6b45',
  focus: '#6fcf97',
  css: `label { display: grid; gap: 4px; font-size: 14px; font-weight: 600; }
  input, select { width: 100%; font: inherit; padding: 10px; border: 1px solid #9bb5a8; border-radius: 8px; }
  .row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 10px; }
  .row > label { grid-template-rows: 1fr auto; }
  input:focus-visible, select:focus-visible { outline: 3px solid #6fcf97; outline-offset: 2px; }
  .error { color: #b3261e; font-weight: 600; }
  .description, .note { color: #555; } .note { font-size: 12px; margin: 16px 0 0; }`,
};

/** The ACS and hosted pages are shown inside the checkout's frames: framable. */
function sendPage(res: Response, status: number, title: string, content: string, script?: string): void {
  sendSimulatorPage(res, { status, title, content, script, theme: PAGE_THEME, framable: true });
}

/** A page holding a form of hidden fields for `action`, submitted by script (or by its button). */
function sendAutoPost(res: Response, action: string, fields: Record<string, string>, title: string, message: string, autoSubmit = true): void {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  sendPage(
    res,
    200,
    title,
    `<h1>${escapeHtml(title)}</h1>
    <p>${escapeHtml(message)}</p>
    <form id="directcard-return" method="post" action="${escapeHtml(action)}">${inputs}<button type="submit">Return to the shop</button></form>`,
    autoSubmit ? "document.getElementById('directcard-return').submit();" : undefined,
  );
}
