/**
 * A Payment Hub look-alike for sandbox runs and tests: an Express router that speaks the
 * document's API field by field, plus the vendor pages and the shared payment page a shopper sees.
 * Mount it where `publicUrl` points (`/simulators/paymenthub` in sandbox mode).
 *
 * API (relative to the mount point; JSON; `Authorization: Bearer ...`):
 *   POST /api/v1/auth/reset-token           refresh token, unexpired → a new pair (both rotate)
 *   POST /api/v1/auth/reset-refresh-token   refresh token, unexpired → a new pair (both rotate)
 *   POST /api/v1/auth/reset-all-token       refresh token, expired or not ("only check it exists") → a new pair
 *   POST /api/v1/auth/public-token          access token → a public token for one hour
 *   GET  /api/v1/vendor-payment-gateway     the twelve vendors (simulator-catalog.ts)
 *   GET|POST /api/v1/payment-gateway, PUT|DELETE /api/v1/payment-gateway/{id}   the client's gateways
 *   POST /api/v1/transactions               → payment_url, a vendor page of this simulator
 *   GET  /api/v1/transactions/{ref}         POST /api/v1/transactions/fetch-multiple
 *   POST /api/v1/transactions/refund        POST /api/v1/transactions/{ref}/cancel
 *   POST /api/v1/transactions/log?page=N    the error log, filtered, 10 a page, newest first
 *   POST /api/v1/shared-payment/initialize  → payment_link, the shared page of this simulator
 * Shopper pages:
 *   GET  /pay/{ID}          the vendor's page: Pay, Decline, Cancel. Stripe's refuses framing
 *                           (the document: it "must be opened directly in the client browser").
 *   GET  /s/{ID}            the shared payment page: one choice per label, in its currency
 *
 * Tokens: only the pair of the last reset works. An access token lives `accessTokenLifetimeMs`
 * (24 h), a refresh token `refreshTokenLifetimeMs` (7 days); a used, unknown or (except for
 * reset-all-token) expired one gets 401 "Unauthorized".
 *
 * Where the document is silent, the simulator's own rules:
 * - Errors are the envelope `{success: false, message, data: ""}`: 401 "Unauthorized", 400
 *   "Validation failed" with `errors: {field: sentence}`, 400 with the refund and cancel sentences,
 *   404 "Unable to get transaction", 500 "Server went wrong".
 * - The webhook is called with GET on webhook_url as given (the document's "| GET"), no body, on
 *   every status change: paid, payment failed, canceled or expired, refund pending, refund settled.
 * - On the vendor page, Decline leaves the transaction `initial` with PaymentFailReason set and
 *   logs "invoice payment failed"; Cancel makes it `expired` ("expired or canceled") and logs
 *   "invoice payment cancelled". A transaction past its ExpiredAt reads as `expired`.
 * - A refund is `pending refund` for `refundSettleMs` (3 s), then `success refund`; meanwhile the
 *   transaction is `pending refund` and a new refund is refused (the document's sentence).
 * - Amounts must be JSON numbers with at most the currency's decimals; the currency must be one
 *   of the gateway's vendor's; `payment_method` entries must be the vendor's methods (an array;
 *   a single string is read as one entry); `lang` must be one of the vendor's (any case);
 *   `email` is required for Stripe and Reddot.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AmountError, isKnownCurrency, toMajorNumber, toMinorUnits } from '../../payments/money.js';
import type { SimulatorLogger } from '../simulator-page.js';
import { SimulatorFaults } from '../simulator-faults.js';
import { SIMULATED_VENDORS, type SimVendor } from './simulator-catalog.js';
import { mountPaymentHubPages } from './simulator-pages.js';
import {
  canceledTransactionJson,
  logEntryJson,
  objectId,
  refundedTotal,
  sharedPaymentJson,
  transactionJson,
  type SimGateway,
  type SimLogEntry,
  type SimRefund,
  type SimSharedOption,
  type SimSharedPayment,
  type SimTransaction,
} from './simulator-state.js';

export interface PaymentHubSimulatorOptions {
  /** The refresh token the client was given (PAYMENTHUB_REFRESH_TOKEN's counterpart). */
  refreshToken: string;
  /** The absolute URL the router is mounted at (payment_url and payment_link point here). */
  publicUrl: string;
  logger?: SimulatorLogger;
  now?: () => number;
  accessTokenLifetimeMs?: number;
  refreshTokenLifetimeMs?: number;
  refundSettleMs?: number;
  /** The client's gateways, by vendor name; Xendit and Stripe by default. */
  gatewayVendors?: readonly string[];
  /** Configured faults (SIMULATOR_FAULTS): error rate, latency, dropped, duplicated and reordered webhook calls. */
  faultInjection?: SimulatorFaults;
}

/** What a test can read of the simulator's side. */
export interface PaymentHubSimulatorStats {
  /** Requests by "METHOD /route" (the route pattern, not the URL). */
  calls: Record<string, number>;
  /** Webhook calls made, and how they were answered. */
  webhooks: { url: string; merchantRefCode: string; status: number | 'failed' }[];
}

export interface PaymentHubSimulator extends Router {
  readonly stats: PaymentHubSimulatorStats;
  /** The client's gateways, for tests that pick one by vendor. */
  readonly gateways: readonly { id: string; vendor: string }[];
  /**
   * A transaction as GET /api/v1/transactions/:ref answers it, read without a token: taking one
   * rotates the client's, so a test counting on the simulator's side reads here. Changes nothing.
   */
  transactionRecord(merchantRefCode: string): Record<string, unknown> | undefined;
}

const HOUR_MS = 3_600_000;
const LOG_PAGE_SIZE = 10;
const CLIENT_ID = '65f14d79efc850b3546384e7';

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

const unauthorized = () => new SimError(401, 'Unauthorized');
const notFound = () => new SimError(404, 'Unable to get transaction');

/** Collects field problems and raises one 400 "Validation failed" naming them all. */
class Checks {
  readonly errors: Record<string, string> = {};
  fail(field: string, sentence: string): void {
    this.errors[field] ??= sentence;
  }
  done(): void {
    if (Object.keys(this.errors).length > 0) throw new SimError(400, 'Validation failed', this.errors);
  }
}

export function createPaymentHubSimulator(options: PaymentHubSimulatorOptions): PaymentHubSimulator {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? { info() {}, warn() {} };
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const accessLife = options.accessTokenLifetimeMs ?? 24 * HOUR_MS;
  const refreshLife = options.refreshTokenLifetimeMs ?? 7 * 24 * HOUR_MS;
  const refundSettleMs = options.refundSettleMs ?? 3_000;

  let refresh = { token: options.refreshToken, expiresAt: now() + refreshLife };
  let access: { token: string; expiresAt: number } | undefined;
  const vendors = SIMULATED_VENDORS.map((vendor) => ({ ID: objectId(), ...vendor }));
  const gateways: SimGateway[] = (options.gatewayVendors ?? ['Xendit', 'Stripe']).map((name, index) => gatewayFor(name, `BNL00${index + 1}`));
  const transactions = new Map<string, SimTransaction>();
  const shared = new Map<string, SimSharedPayment>();
  const log: SimLogEntry[] = [];
  const stats: PaymentHubSimulatorStats = { calls: {}, webhooks: [] };
  const faultInjection = options.faultInjection ?? new SimulatorFaults();

  function gatewayFor(vendorName: string, code: string): SimGateway {
    const vendor = SIMULATED_VENDORS.find((candidate) => candidate.Name.toLowerCase() === vendorName.toLowerCase());
    if (!vendor) throw new Error(`Payment Hub simulator: no vendor ${vendorName}`);
    // Sandbox placeholders in the shapes the document lists; the adapter never keeps them.
    const credential = vendor.Name === 'Xendit' ? { merchant_key: 'xnd_development_sandbox', public_key: 'xnd_public_development_sandbox' } : null;
    return { ID: objectId(), Code: code, Credential: credential, vendor };
  }

  // ---------------------------------------------------------------------------------------------
  // Tokens

  function bearer(req: Request): string {
    const header = req.get('authorization') ?? '';
    return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  }

  function rotate(): Record<string, unknown> {
    const issuedAt = now();
    access = { token: `ph_access_${randomBytes(18).toString('base64url')}`, expiresAt: issuedAt + accessLife };
    refresh = { token: `ph_refresh_${randomBytes(18).toString('base64url')}`, expiresAt: issuedAt + refreshLife };
    return {
      ID: CLIENT_ID,
      IpValidation: true,
      Name: 'Sandbox client',
      Token: access.token,
      RefreshToken: refresh.token,
      Ip: '127.0.0.1',
      Domain: 'localhost',
      TokenExpired: new Date(access.expiresAt).toISOString(),
      RefreshTokenExpired: new Date(refresh.expiresAt).toISOString(),
    };
  }

  function requireRefreshToken(req: Request, checkExpiry: boolean): void {
    const given = bearer(req);
    if (!sameSecret(given, refresh.token) || (checkExpiry && now() >= refresh.expiresAt)) throw unauthorized();
  }

  function requireAccessToken(req: Request, _res: Response, next: NextFunction): void {
    const given = bearer(req);
    if (!access || !sameSecret(given, access.token) || now() >= access.expiresAt) {
      next(unauthorized());
      return;
    }
    next();
  }

  // ---------------------------------------------------------------------------------------------
  // Transactions' life

  function settleDue(transaction: SimTransaction): boolean {
    let changed = false;
    if (transaction.status === 'initial' && now() >= transaction.expiresAt) {
      transaction.status = 'expired';
      transaction.updatedAt = now();
      changed = true;
    }
    for (const refund of transaction.refunds) {
      if (refund.status !== 'pending refund' || now() < refund.settleAt) continue;
      refund.status = 'success refund';
      refund.approvedAt = now();
      refund.vendorId = `rfd_${randomBytes(8).toString('hex')}`;
      const total = transaction.amount + transaction.serviceCharge;
      transaction.status = refundedTotal(transaction, ['success refund']) >= total ? 'full refund' : 'partial refund';
      transaction.updatedAt = now();
      changed = true;
    }
    return changed;
  }

  function findTransaction(ref: string): SimTransaction | undefined {
    const transaction = transactions.get(ref);
    if (transaction && settleDue(transaction)) void callWebhook(transaction);
    return transaction;
  }

  function callWebhook(transaction: SimTransaction): Promise<void> {
    return faultInjection.sendCallback(() => getWebhook(transaction));
  }

  async function getWebhook(transaction: SimTransaction): Promise<void> {
    if (!transaction.webhookUrl) return;
    const entry: PaymentHubSimulatorStats['webhooks'][number] = { url: transaction.webhookUrl, merchantRefCode: transaction.merchantRefCode, status: 'failed' };
    try {
      const response = await fetch(transaction.webhookUrl, { method: 'GET', signal: AbortSignal.timeout(5000), redirect: 'manual' });
      await response.body?.cancel();
      entry.status = response.status;
    } catch (error) {
      logger.warn({ merchantRefCode: transaction.merchantRefCode, reason: error instanceof Error ? error.name : 'unknown' }, 'Payment Hub simulator: webhook call failed');
    }
    stats.webhooks.push(entry);
  }

  function addLog(transaction: SimTransaction, actionName: string, errorCode: string, errorMessage: string, request: Record<string, unknown>): void {
    log.push({
      id: objectId(),
      serviceName: transaction.gateway.vendor.Name,
      serviceEndpoint: `https://sandbox.${transaction.gateway.vendor.Name.toLowerCase()}.example/v2/invoices`,
      actionName,
      httpCode: 400,
      errorCode,
      errorMessage,
      requestPayload: JSON.stringify(request),
      responsePayload: JSON.stringify({ error_code: errorCode, message: errorMessage }),
      merchantRefCode: transaction.merchantRefCode,
      transactionId: transaction.id,
      createdAt: now(),
    });
  }

  function createTransaction(body: Record<string, unknown>, sharedPaymentId?: string): SimTransaction {
    const checks = new Checks();
    const ref = text(body, 'merchant_ref_code', checks, { required: true, max: 100 });
    if (ref && transactions.has(ref) && !sharedPaymentId) checks.fail('merchant_ref_code', 'merchant_ref_code has already been taken');
    const gatewayId = text(body, 'payment_vendor', checks, { required: true });
    const gateway = gateways.find((candidate) => candidate.ID === gatewayId);
    if (gatewayId && !gateway) checks.fail('payment_vendor', 'payment_vendor is not one of your payment gateways');
    const currency = text(body, 'currency', checks, { required: true }).toUpperCase();
    if (currency && !isKnownCurrency(currency)) checks.fail('currency', 'currency must be an ISO 4217 code');
    else if (currency && gateway && !gateway.vendor.Currency.includes(currency)) checks.fail('currency', `currency ${currency} is not available for ${gateway.vendor.Name}`);
    const amount = money(body, 'amount', currency, checks, true);
    const serviceCharge = money(body, 'service_charge', currency, checks, false);
    const description = text(body, 'description', checks, { required: true, max: 500 });
    const methods = methodList(body.payment_method, gateway?.vendor, checks);
    const lang = text(body, 'lang', checks, { max: 20 });
    if (lang && gateway && !gateway.vendor.Lang.some((candidate) => candidate.toLowerCase() === lang.toLowerCase())) {
      checks.fail('lang', `lang must be one of ${gateway.vendor.Lang.join(', ')}`);
    }
    const email = text(body, 'email', checks, { max: 254 });
    if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) checks.fail('email', 'email must be an email address');
    if (!email && gateway && ['Stripe', 'Reddot'].includes(gateway.vendor.Name)) checks.fail('email', `email is required for ${gateway.vendor.Name}`);
    const sendEmail = flag(body, 'send_email', checks);
    const enable3dSecure = flag(body, 'enable_3d_secure', checks);
    const linkType = text(body, 'payment_link_type', checks);
    if (linkType && linkType !== 'direct' && linkType !== 'invoice') checks.fail('payment_link_type', 'payment_link_type must be direct or invoice');
    const webhookUrl = url(body, 'webhook_url', checks, false);
    const successUrl = url(body, 'success_redirect_url', checks, true);
    const failedUrl = url(body, 'failed_redirect_url', checks, true);
    const cancelUrl = url(body, 'cancel_redirect_url', checks, true);
    const expiresIn = minutes(body, 'expires_in_minutes', checks);
    const linkExpiresIn = minutes(body, 'link_expires_in_minutes', checks);
    const firstName = text(body, 'first_name', checks, { max: 100 });
    const lastName = text(body, 'last_name', checks, { max: 100 });
    const mobile = text(body, 'mobile', checks, { max: 30 });
    checks.done();
    const createdAt = now();
    const transaction: SimTransaction = {
      id: objectId(),
      clientId: CLIENT_ID,
      merchantRefCode: ref,
      description,
      firstName,
      lastName,
      mobile,
      email,
      amount,
      serviceCharge,
      currency,
      paymentMethods: methods,
      gateway: gateway!,
      status: 'initial',
      paymentFailReason: '',
      lang: (lang || 'EN').toUpperCase(),
      sendEmail,
      enable3dSecure,
      paymentLinkType: linkType,
      webhookUrl,
      successUrl,
      failedUrl,
      cancelUrl,
      expiresAt: createdAt + expiresIn * 60_000,
      linkExpiresAt: createdAt + linkExpiresIn * 60_000,
      createdAt,
      vendorId: objectId(),
      vendorPaymentId: '',
      vendorPaymentChannel: '',
      vendorPaymentMethod: '',
      refunds: [],
      ...(sharedPaymentId ? { sharedPaymentId } : {}),
    };
    transactions.set(ref, transaction);
    logger.info({ merchantRefCode: ref, vendor: transaction.gateway.vendor.Name }, 'Payment Hub simulator: transaction initialized');
    return transaction;
  }

  // ---------------------------------------------------------------------------------------------
  // Routes

  const router = express.Router() as PaymentHubSimulator;
  Object.defineProperty(router, 'stats', { value: stats });
  Object.defineProperty(router, 'gateways', { get: () => gateways.map((gateway) => ({ id: gateway.ID, vendor: gateway.vendor.Name })) });
  Object.defineProperty(router, 'transactionRecord', {
    value: (ref: string) => {
      const transaction = transactions.get(ref);
      return transaction ? transactionJson(transaction) : undefined;
    },
  });
  router.use(express.json({ limit: '64kb' }));
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use((req, res, next) => {
    // Counted by route pattern once routed, so "/api/v1/transactions/ABC" counts as ".../:ref".
    res.on('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const key = `${req.method} ${typeof route === 'string' ? route : req.path}`;
      stats.calls[key] = (stats.calls[key] ?? 0) + 1;
    });
    next();
  });
  router.use('/api', faultInjection.api(() => new SimError(500, 'Server went wrong')));

  router.post('/api/v1/auth/reset-token', (req, res) => {
    requireRefreshToken(req, true);
    res.json({ success: true, message: 'Token reset Successfully', data: rotate() });
  });
  router.post('/api/v1/auth/reset-refresh-token', (req, res) => {
    requireRefreshToken(req, true);
    res.json({ success: true, message: 'Refresh token reset Successfully', data: rotate() });
  });
  router.post('/api/v1/auth/reset-all-token', (req, res) => {
    requireRefreshToken(req, false);
    logger.info({}, 'Payment Hub simulator: all tokens reset');
    res.json({ success: true, message: 'All token reset Successfully', data: rotate() });
  });
  router.post('/api/v1/auth/public-token', requireAccessToken, (_req, res) => {
    const expiredAt = now() + HOUR_MS;
    res.json({
      success: true,
      message: 'Public key generate successfully',
      data: { ID: objectId(), ClientId: CLIENT_ID, Token: `ph_public_${randomBytes(18).toString('base64url')}`, ExpiredAt: new Date(expiredAt).toISOString() },
    });
  });

  router.get('/api/v1/vendor-payment-gateway', requireAccessToken, (_req, res) => {
    res.json({ success: true, message: 'Success', data: vendors });
  });

  router.get('/api/v1/payment-gateway', requireAccessToken, (_req, res) => {
    res.json({ success: true, message: 'Success.', data: gateways.map((gateway) => ({ ID: gateway.ID, Code: gateway.Code, Credential: gateway.Credential, vendor_payment_gateway: { ...gateway.vendor, Code: gateway.Code } })) });
  });

  router.post('/api/v1/payment-gateway', requireAccessToken, (req, res) => {
    const body = bodyOf(req);
    const checks = new Checks();
    const code = text(body, 'code', checks, { required: true });
    const vendor = vendors.find((candidate) => candidate.Code === code);
    if (code && !vendor) checks.fail('code', 'code is not a vendor code');
    checks.done();
    const gateway = gatewayFor(vendor!.Name, code);
    gateway.Credential = credentialOf(body.credential);
    gateways.push(gateway);
    res.json({ success: true, message: 'Payment Gateway Created Successfully', data: { ID: gateway.ID, Code: gateway.Code, Credential: gateway.Credential, ClientId: CLIENT_ID } });
  });

  router.put('/api/v1/payment-gateway/:id', requireAccessToken, (req, res) => {
    const gateway = gateways.find((candidate) => candidate.ID === req.params.id);
    if (!gateway) throw new SimError(404, 'Unable to get payment gateway');
    gateway.Credential = credentialOf(bodyOf(req).credential);
    res.json({ success: true, message: 'Payment Gateway Updated Successfully', data: { ID: gateway.ID, Code: gateway.Code, Credential: gateway.Credential, ClientId: CLIENT_ID } });
  });

  router.delete('/api/v1/payment-gateway/:id', requireAccessToken, (req, res) => {
    const index = gateways.findIndex((candidate) => candidate.ID === req.params.id);
    if (index < 0) throw new SimError(404, 'Unable to get payment gateway');
    gateways.splice(index, 1);
    res.json({ success: true, message: 'Payment Gateway Deleted Successfully', data: null });
  });

  router.post('/api/v1/transactions', requireAccessToken, (req, res) => {
    const transaction = createTransaction(bodyOf(req));
    res.json({ message: 'Successfully initialized transaction.', data: { payment_url: `${publicUrl}/pay/${transaction.id}` }, success: true });
  });

  router.post('/api/v1/transactions/fetch-multiple', requireAccessToken, (req, res) => {
    const refs = bodyOf(req).merchant_ref_code;
    if (!Array.isArray(refs) || refs.some((ref) => typeof ref !== 'string')) {
      throw new SimError(400, 'Validation failed', { merchant_ref_code: 'merchant_ref_code must be an array of strings' });
    }
    const found = (refs as string[]).map(findTransaction).filter((t): t is SimTransaction => t !== undefined);
    res.json({ success: true, message: 'Success.', data: found.map(transactionJson) });
  });

  router.post('/api/v1/transactions/refund', requireAccessToken, (req, res) => {
    const body = bodyOf(req);
    const checks = new Checks();
    const ref = text(body, 'merchant_ref_code', checks, { required: true });
    const reason = text(body, 'reason', checks, { required: true, max: 500 });
    checks.done();
    const transaction = findTransaction(ref);
    if (!transaction) throw notFound();
    const amountChecks = new Checks();
    const asked = body.amount === undefined || body.amount === null ? undefined : money(body, 'amount', transaction.currency, amountChecks, true);
    amountChecks.done();
    if (transaction.status !== 'paid' && transaction.status !== 'partial refund') {
      throw new SimError(400, 'Only PAID or Partial Refund transaction can be refund');
    }
    const remaining = transaction.amount + transaction.serviceCharge - refundedTotal(transaction, ['success refund', 'pending refund']);
    const amount = asked ?? remaining;
    if (amount > remaining || amount <= 0) throw new SimError(400, "The refund amount must not be greater than Transaction's remaining amount");
    const refund: SimRefund = { number: transaction.refunds.length + 1, sentAt: now(), reason, amount, vendorId: '', status: 'pending refund', settleAt: now() + refundSettleMs };
    transaction.refunds.push(refund);
    transaction.status = 'pending refund';
    transaction.updatedAt = now();
    void callWebhook(transaction);
    // The webhook tells of the settled refund when it is due, as a real vendor's approval would.
    setTimeout(() => findTransaction(ref), refundSettleMs + 10).unref();
    res.json({
      message: 'Successfully initialized refund.refund take proccess 7 days working day',
      success: true,
      data: {
        merchant_ref_code: ref,
        amount: toMajorNumber(amount, transaction.currency),
        created_at: new Date(refund.sentAt).toISOString(),
        payment_method: transaction.vendorPaymentMethod,
        service_charge: 0,
        status: refund.status,
        total: toMajorNumber(amount, transaction.currency),
      },
    });
  });

  router.post('/api/v1/transactions/log', requireAccessToken, (req, res) => {
    const body = bodyOf(req);
    const page = Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1);
    const metadata = body.metadata && typeof body.metadata === 'object' ? (body.metadata as Record<string, unknown>) : {};
    const filter = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
    const service = filter(body.service_name).toLowerCase();
    const action = filter(body.action_name).toLowerCase();
    const ref = filter(metadata.merchant_ref_code);
    const transactionId = filter(metadata.transaction_id);
    const entries = log
      .filter((entry) => (!service || entry.serviceName.toLowerCase() === service) && (!action || entry.actionName.toLowerCase() === action))
      .filter((entry) => (!ref || entry.merchantRefCode === ref) && (!transactionId || entry.transactionId === transactionId))
      .reverse()
      .slice((page - 1) * LOG_PAGE_SIZE, page * LOG_PAGE_SIZE);
    res.json({ success: true, message: 'Success.', data: entries.map((entry) => logEntryJson(entry, CLIENT_ID)) });
  });

  router.get('/api/v1/transactions/:ref', requireAccessToken, (req, res) => {
    const transaction = findTransaction(String(req.params.ref));
    if (!transaction) throw notFound();
    res.json({ data: transactionJson(transaction), message: 'Success.', success: true });
  });

  router.post('/api/v1/transactions/:ref/cancel', requireAccessToken, (req, res) => {
    const transaction = findTransaction(String(req.params.ref));
    if (!transaction) throw notFound();
    if (transaction.status !== 'initial') throw new SimError(400, 'Only Initial Transaction can be Canceled');
    transaction.status = 'expired';
    transaction.updatedAt = now();
    void callWebhook(transaction);
    res.json({ success: true, message: 'Invoice canceled', data: canceledTransactionJson(transaction) });
  });

  router.post('/api/v1/shared-payment/initialize', requireAccessToken, (req, res) => {
    const record = initializeShared(bodyOf(req));
    res.json({ success: true, message: 'Payment initialized', data: { payment_link: `${publicUrl}/s/${record.id}`, shared_payment: sharedPaymentJson(record, CLIENT_ID) } });
  });

  function initializeShared(body: Record<string, unknown>): SimSharedPayment {
    const checks = new Checks();
    const list = Array.isArray(body.payment_method) ? (body.payment_method as unknown[]) : undefined;
    if (!list || list.length === 0) checks.fail('payment_method', 'payment_method must be a non-empty array');
    const options: SimSharedOption[] = (list ?? []).map((item, index) => {
      const entry = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
      const label = text(entry, 'label', checks, { required: true, max: 100, path: `payment_method.${index}.label` });
      const paymentMethod = text(entry, 'payment_method', checks, { max: 50, path: `payment_method.${index}.payment_method` });
      const paymentVendor = text(entry, 'payment_vendor', checks, { path: `payment_method.${index}.payment_vendor` });
      const currency = text(entry, 'currency', checks, { path: `payment_method.${index}.currency` }).toUpperCase();
      if (paymentMethod !== 'credit_card_tokenize') {
        const gateway = gateways.find((candidate) => candidate.ID === paymentVendor);
        if (!gateway) checks.fail(`payment_method.${index}.payment_vendor`, 'payment_vendor is not one of your payment gateways');
        else if (!gateway.vendor.Currency.includes(currency)) checks.fail(`payment_method.${index}.currency`, `currency ${currency} is not available for ${gateway.vendor.Name}`);
        else if (paymentMethod && !gateway.vendor.PaymentMethod.includes(paymentMethod)) checks.fail(`payment_method.${index}.payment_method`, `${paymentMethod} is not a ${gateway.vendor.Name} method`);
      }
      return { label, paymentMethod, paymentVendor, currency };
    });
    const detail = body.payment_detail && typeof body.payment_detail === 'object' ? (body.payment_detail as Record<string, unknown>) : {};
    if (!body.payment_detail) checks.fail('payment_detail', 'payment_detail is required');
    const ref = text(detail, 'merchant_ref_code', checks, { required: true, max: 100, path: 'payment_detail.merchant_ref_code' });
    if (ref && transactions.has(ref)) checks.fail('payment_detail.merchant_ref_code', 'merchant_ref_code has already been taken');
    const amount = detail.amount && typeof detail.amount === 'object' ? (detail.amount as Record<string, unknown>) : {};
    const foundingCurrency = text(amount, 'founding_currency', checks, { required: true, path: 'payment_detail.amount.founding_currency' }).toUpperCase();
    const value = typeof amount.value === 'number' && amount.value > 0 ? amount.value : (checks.fail('payment_detail.amount.value', 'value must be a positive number'), 0);
    const mcp = amount.mcp === true;
    const rates = (Array.isArray(amount.mcp_rate) ? (amount.mcp_rate as unknown[]) : []).map((item, index) => {
      const rate = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
      const currency = text(rate, 'currency', checks, { required: true, path: `payment_detail.amount.mcp_rate.${index}.currency` }).toUpperCase();
      const rateValue = typeof rate.value === 'number' && rate.value > 0 ? rate.value : (checks.fail(`payment_detail.amount.mcp_rate.${index}.value`, 'value must be a positive number'), 0);
      return { currency, value: rateValue };
    });
    for (const [index, option] of options.entries()) {
      if (option.currency && option.currency !== foundingCurrency && !(mcp && rates.some((rate) => rate.currency === option.currency))) {
        checks.fail(`payment_method.${index}.currency`, `no amount in ${option.currency}: add it to mcp_rate`);
      }
    }
    const expiresInMinutes = minutes(detail, 'expires_in_minutes', checks, 'payment_detail.expires_in_minutes');
    const successUrl = url(detail, 'success_redirect_url', checks, true, 'payment_detail.success_redirect_url');
    const failedUrl = url(detail, 'failed_redirect_url', checks, true, 'payment_detail.failed_redirect_url');
    const cancelUrl = url(detail, 'cancel_redirect_url', checks, true, 'payment_detail.cancel_redirect_url');
    const webhookUrl = url(detail, 'webhook_url', checks, false, 'payment_detail.webhook_url');
    const detailText = (name: string, max = 500) => text(detail, name, checks, { max, path: `payment_detail.${name}` });
    const [lang, description, firstName, lastName, mobile, email] = [detailText('lang', 20), detailText('description'), detailText('first_name', 100), detailText('last_name', 100), detailText('mobile', 30), detailText('email', 254)];
    checks.done();
    const createdAt = now();
    const record: SimSharedPayment = {
      id: objectId(),
      options,
      detail,
      merchantRefCode: ref,
      foundingCurrency,
      value,
      rates,
      mcp,
      lang,
      webhookUrl,
      successUrl,
      failedUrl,
      cancelUrl,
      expiresInMinutes,
      expiresAt: createdAt + expiresInMinutes * 60_000,
      createdAt,
      description: description || `Invoice ${ref}`,
      firstName,
      lastName,
      mobile,
      email,
    };
    shared.set(record.id, record);
    logger.info({ merchantRefCode: ref, options: options.length }, 'Payment Hub simulator: shared payment initialized');
    return record;
  }

  mountPaymentHubPages(router, {
    publicUrl,
    transactionById: (id) => {
      const found = [...transactions.values()].find((transaction) => transaction.id === id);
      return found ? findTransaction(found.merchantRefCode) : undefined;
    },
    sharedById: (id) => shared.get(id),
    gateways: () => gateways,
    now,
    pay(transaction, method) {
      transaction.status = 'paid';
      transaction.vendorPaidAt = now();
      transaction.updatedAt = now();
      transaction.vendorPaymentId = `${transaction.gateway.vendor.Name.slice(0, 3).toLowerCase()}_${randomBytes(10).toString('hex')}`;
      transaction.vendorPaymentChannel = method;
      transaction.vendorPaymentMethod = method === 'CREDIT_CARD' || method === '' ? 'CREDIT_CARD' : method;
      logger.info({ merchantRefCode: transaction.merchantRefCode }, 'Payment Hub simulator: transaction paid');
      void callWebhook(transaction);
    },
    decline(transaction, method) {
      transaction.paymentFailReason = 'The payment was declined by the issuer';
      transaction.updatedAt = now();
      addLog(transaction, 'invoice payment failed', 'PAYMENT_DECLINED', 'The payment was declined by the issuer (simulated)', { payment_method: method, amount: toMajorNumber(transaction.amount, transaction.currency) });
      void callWebhook(transaction);
    },
    cancel(transaction) {
      transaction.status = 'expired';
      transaction.updatedAt = now();
      addLog(transaction, 'invoice payment cancelled', 'PAYMENT_CANCELLED', 'The customer cancelled the payment', { merchant_ref_code: transaction.merchantRefCode });
      void callWebhook(transaction);
    },
    chooseShared(record, option) {
      const existing = transactions.get(record.merchantRefCode);
      if (existing && existing.status !== 'initial') return existing;
      if (existing) transactions.delete(record.merchantRefCode);
      const gateway =
        option.paymentMethod === 'credit_card_tokenize'
          ? gateways.find((candidate) => candidate.vendor.Tokenize)
          : gateways.find((candidate) => candidate.ID === option.paymentVendor);
      const currency = option.currency || (gateway?.vendor.Currency.includes(record.foundingCurrency) ? record.foundingCurrency : (gateway?.vendor.Currency[0] ?? ''));
      const value = currency === record.foundingCurrency ? record.value : (record.rates.find((rate) => rate.currency === currency)?.value ?? record.value);
      const method = option.paymentMethod === 'credit_card_tokenize' ? 'CREDIT_CARD' : option.paymentMethod;
      return createTransaction(
        {
          merchant_ref_code: record.merchantRefCode,
          amount: value,
          service_charge: 0,
          description: record.description,
          first_name: record.firstName,
          last_name: record.lastName,
          mobile: record.mobile,
          email: record.email || 'guest@example.com',
          currency,
          payment_vendor: gateway?.ID ?? '',
          ...(method ? { payment_method: [method] } : {}),
          send_email: false,
          enable_3d_secure: true,
          webhook_url: record.webhookUrl,
          success_redirect_url: record.successUrl,
          failed_redirect_url: record.failedUrl,
          cancel_redirect_url: record.cancelUrl,
          expires_in_minutes: Math.max(1, Math.ceil((record.expiresAt - now()) / 60_000)),
          link_expires_in_minutes: Math.max(1, Math.ceil((record.expiresAt - now()) / 60_000)),
        },
        record.id,
      );
    },
  });

  // ---------------------------------------------------------------------------------------------
  // Errors

  router.use((_req: Request, res: Response) => {
    res.status(404).json({ success: false, message: 'Not found', data: '' });
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof SimError) {
      if (error.status === 401) logger.warn({}, 'Payment Hub simulator: Unauthorized');
      res.status(error.status).json({ success: false, message: error.message, data: '', ...(error.errors ? { errors: error.errors } : {}) });
      return;
    }
    const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 400 && status < 500) {
      res.status(400).json({ success: false, message: 'Validation failed', data: '', errors: { body: 'The request body could not be read' } });
      return;
    }
    logger.warn({ name: error instanceof Error ? error.name : typeof error }, 'Payment Hub simulator: internal error');
    res.status(500).json({ success: false, message: 'Server went wrong', data: '' });
  });

  return router;
}

// ---------------------------------------------------------------------------------------------
// Field readers

function bodyOf(req: Request): Record<string, unknown> {
  const body = req.body as unknown;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function text(body: Record<string, unknown>, name: string, checks: Checks, rules: { required?: boolean; max?: number; path?: string } = {}): string {
  const path = rules.path ?? name;
  const value = body[name];
  if (value === undefined || value === null || value === '') {
    if (rules.required) checks.fail(path, `${name} is required`);
    return '';
  }
  if (typeof value !== 'string') {
    checks.fail(path, `${name} must be a string`);
    return '';
  }
  if (value.length > (rules.max ?? 2000)) checks.fail(path, `${name} must be at most ${rules.max ?? 2000} characters`);
  return value.trim();
}

function money(body: Record<string, unknown>, name: string, currency: string, checks: Checks, positive: boolean): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    checks.fail(name, `${name} is required and must be a number`);
    return 0;
  }
  if (!currency || !isKnownCurrency(currency)) return 0;
  try {
    const minor = toMinorUnits(value, currency);
    if (minor < 0 || (positive && minor === 0)) checks.fail(name, `${name} must be ${positive ? 'more than' : 'at least'} 0`);
    return minor;
  } catch (error) {
    checks.fail(name, `${name}: ${error instanceof AmountError ? error.message : 'not an amount'}`);
    return 0;
  }
}

function flag(body: Record<string, unknown>, name: string, checks: Checks): boolean {
  const value = body[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') checks.fail(name, `${name} must be a boolean`);
  return value === true;
}

function url(body: Record<string, unknown>, name: string, checks: Checks, required: boolean, path = name): string {
  const value = text(body, name, checks, { required, max: 2000, path });
  if (!value) return '';
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  checks.fail(path, `${name} must be an http(s) URL`);
  return '';
}

function minutes(body: Record<string, unknown>, name: string, checks: Checks, path = name): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    checks.fail(path, `${name} is required and must be a whole number of minutes`);
    return 1;
  }
  return value;
}

function methodList(value: unknown, vendor: SimVendor | undefined, checks: Checks): string[] {
  if (value === undefined || value === null || value === '') return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
    checks.fail('payment_method', 'payment_method must be an array of strings');
    return [];
  }
  const methods = (list as string[]).filter(Boolean);
  const unknown = vendor ? methods.filter((method) => !vendor.PaymentMethod.includes(method)) : [];
  if (unknown.length > 0) checks.fail('payment_method', `${unknown.join(', ')} is not a ${vendor!.Name} payment method`);
  return methods;
}

function credentialOf(value: unknown): Record<string, string> | null {
  if (!value || typeof value !== 'object') return null;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, String(item ?? '')]));
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
