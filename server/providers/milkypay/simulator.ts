/**
 * A MilkyPay look-alike for sandbox runs and tests: an Express router that speaks the documented
 * public (`/public-api/...`) and private (`/api/...`) APIs with the documented shapes, plus the
 * hosted payment page the shopper is sent to. Mount it where `publicUrl` points, for example
 * `app.use('/simulators/milkypay', createMilkyPaySimulator({publicUrl: 'http://localhost:3000/simulators/milkypay', ...}))`.
 *
 * Routes (relative to the mount point):
 *   POST /public-api/payment-prerequest          {public_key, currency} → services and methods
 *   POST /public-api/payment-invoices            public invoice (flat shape), 201; 409 with the earlier one
 *   POST /public-api/payment-invoices/process    HTML form post; creates the invoice, 302 to the hosted page
 *   GET  /public-api/payment-invoices/:id        ?public_key=... → public invoice
 *   POST /api/payment-invoices                   Basic auth; JSON:API invoice, 201; 409 with the earlier one
 *   GET  /api/payment-invoices                   Basic auth; list, `filter[reference_id]`
 *   GET  /api/payment-invoices/:id               Basic auth; JSON:API invoice
 *   GET  /api/payment-services                   Basic auth; paginated (`page[number]`, `page[size]`)
 *   GET  /api/payment-services/:id               Basic auth
 *   GET  /static/:method/logo.svg|icon.svg       method logos (the real static host is not reachable offline)
 *   GET|POST /hpp/:invoiceId                     hosted payment page ("Approve payment" / "Decline payment")
 *   POST /hpp/:invoiceId/decide                  decision=approve|decline → callback, 303 to the return URL
 *   GET  /hpp/:invoiceId/done                    the final state, when there is no return URL
 *
 * The simulator's own words where the document has none: a declined payment is
 * `process_failed` / `declined`; `source` is `merchant_api`, `public_api` or `payment_link`;
 * validation messages follow the one documented sample ("This value should be greater than 0.")
 * and name the field as `service_fields.<key>` or `customer.reference_id`. Responses to the
 * creates carry `hpp_url`; the by-id look-ups do not, as in the document's samples. The public
 * entry points accept the private API's optional fields too (return and callback URLs, customer,
 * service fields), since the document refers to a guide with more parameters than it lists.
 * A form post that reuses a reference_id is redirected to the earlier invoice's page.
 *
 * Test mode: the account is a test one when its public key starts with `pk_test_` (the document's
 * sample key, answered `test_mode: true`); the pre-request, the services and public-API invoices
 * say so. A private-API invoice takes the request's `test_mode` as documented ("send true for test
 * transactions; it is false by default") and answers it back; a value that is not a boolean is
 * refused with 422 "This value should be of type bool." (the simulator's words).
 */
import type { SimulatorLogger } from '../simulator-page.js';
import { escapeHtml } from '../../pages/html.js';
import { randomInt, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AmountError, toMajorString, toMinorUnits } from '../../payments/money.js';
import type {
  MilkyPayFlowData,
  MilkyPayPaymentServiceResource,
  MilkyPayServiceField,
} from './milkypay-types.js';
import { SimulatorFaults } from '../simulator-faults.js';

/** Currencies the simulator offers services for. */
export const MILKYPAY_SIMULATED_CURRENCIES = ['USD', 'EUR', 'GBP'] as const;

export type MilkyPaySimulatorLogger = SimulatorLogger;

/** Fault hooks, for tests only. The object is read on every request, so a test may change it. */
export interface MilkyPaySimulatorFaults {
  /** Answer this many invoice creates with a documented 500, then behave again. */
  failNextCreates?: number;
  /** Added latency, in milliseconds, before an invoice create is answered. */
  createLatencyMs?: number;
  /** Whether those failing creates still create the invoice (a lost answer) or not. */
  failAfterCreating?: boolean;
}

export interface MilkyPaySimulatorOptions {
  publicKey: string;
  apiUser: string;
  apiPassword: string;
  /** The absolute URL the router is mounted at. */
  publicUrl: string;
  logger?: MilkyPaySimulatorLogger;
  /** Used to post callbacks. */
  fetch?: typeof fetch;
  faults?: MilkyPaySimulatorFaults;
  /** Configured faults (SIMULATOR_FAULTS): error rate, latency, dropped, duplicated and reordered callbacks. */
  faultInjection?: SimulatorFaults;
  /** The clock, in epoch milliseconds; tests move it to expire invoices. */
  now?: () => number;
  /** Delay before the n-th callback retry is n times this; 500 ms by default. */
  callbackRetryDelayMs?: number;
}

type InvoiceStatus = 'process_pending' | 'processed' | 'process_failed';
type Api = 'public' | 'private';

interface SimService {
  resourceId: string;
  code: string;
  method: 'payment_card' | 'test';
  flow: 'hpp' | 'test';
  currency: string;
  fields: MilkyPayServiceField[];
  amountMin: number;
  amountMax: number;
}

interface SimInvoice {
  id: string;
  referenceId: string;
  service: SimService;
  currency: string;
  amount: number;
  description: string | null;
  paymentFlow: 'charge' | 'verify';
  status: InvoiceStatus;
  resolution: string;
  created: number;
  updated: number;
  processed: number | null;
  processedAmount: number | null;
  expiresAt: number | null;
  callbackUrl: string | null;
  returnUrl: string | null;
  returnUrls: { success: string; fail: string; pending: string } | null;
  customerId: string | null;
  metadata: Record<string, unknown>;
  source: 'merchant_api' | 'public_api' | 'payment_link';
  testMode: boolean;
  callbackLogs: Record<string, { status: string; processed: number; response_code: number | null; transaction_status: string }>;
}

interface InvoiceInput {
  referenceId: string;
  service: SimService;
  currency: string;
  amount: number;
  description: string | null;
  paymentFlow: 'charge' | 'verify';
  expiresAt: number | null;
  callbackUrl: string | null;
  returnUrl: string | null;
  returnUrls: { success: string; fail: string; pending: string } | null;
  hasCustomer: boolean;
  metadata: Record<string, unknown>;
  testMode: boolean;
}

const METHODS = {
  payment_card: {
    code: 'payment_card',
    category: 'payment_card',
    name: { en: 'Payment card', ru: 'Платежная карта', uk: 'Платіжна карта' },
  },
  test: {
    code: 'test',
    category: 'alternative',
    name: { en: 'Test', ru: 'Тест', uk: 'Тест' },
  },
} as const;

// The `status` field of the document's test service, as written there.
const TEST_STATUS_FIELD: MilkyPayServiceField = {
  key: 'status',
  type: 'string',
  label: { ru: 'Статус', en: 'Status', uk: 'Статус' },
  example: null,
  hint: { ru: 'Введите статус', en: 'Enter Status', uk: 'Введіть статус' },
  regexp: '^[a-zA-Z_]*$',
  required: true,
  position: 0,
};

// The document's services list shows the account's currency (GBP) beside each service's own.
const ACCOUNT_CURRENCY = 'GBP';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CALLBACK_RETRIES = 3;

const ERROR_UNAUTHORIZED = { errors: [{ status: 'Unauthorized', code: '401' }] };
const ERROR_NOT_FOUND = { errors: [{ status: 'Not Found', code: '404' }] };
const ERROR_METHOD_NOT_ALLOWED = { errors: [{ status: 'Method Not Allowed', code: '405' }] };
const ERROR_BAD_REQUEST = { errors: [{ status: 'Bad Request', code: '400' }] };
const ERROR_INTERNAL = {
  errors: [{ status: 'internal_error', code: '500', title: 'internal_error', detail: 'Internal server error.' }],
};

const MSG_BLANK = 'This value should not be blank.';
const MSG_INVALID = 'This value is not valid.';
const MSG_CHOICE = 'The value you selected is not a valid choice.';
const MSG_URL = 'This value is not a valid URL.';

function randomId(length = 16): string {
  let id = '';
  for (let i = 0; i < length; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}


function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** `page[number]` with Express 5's simple query parser, or `page: {number}` with the extended one. */
function bracketQuery(query: Record<string, unknown>, outer: string, inner: string): string | undefined {
  const flat = query[`${outer}[${inner}]`];
  if (typeof flat === 'string') return flat;
  const nested = asRecord(query[outer])?.[inner];
  return typeof nested === 'string' ? nested : undefined;
}

export function createMilkyPaySimulator(options: MilkyPaySimulatorOptions): Router {
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const basePath = new URL(publicUrl).pathname.replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const logger: MilkyPaySimulatorLogger = options.logger ?? { info: () => {}, warn: () => {} };
  const retryDelayMs = options.callbackRetryDelayMs ?? 500;
  const faultInjection = options.faultInjection ?? new SimulatorFaults();
  // The account's mode, from its key: what the pre-request and the services answer, and what a
  // public-API invoice is.
  const accountTestMode = options.publicKey.startsWith('pk_test_');

  const services = new Map<string, SimService>();
  for (const currency of MILKYPAY_SIMULATED_CURRENCIES) {
    const cur = currency.toLowerCase();
    const card: SimService = {
      resourceId: `comcps_${randomId()}`,
      code: `payment_card_${cur}_hpp`,
      method: 'payment_card',
      flow: 'hpp',
      currency,
      fields: [],
      amountMin: 0.01,
      amountMax: 1000000,
    };
    const test: SimService = {
      resourceId: `comcps_${randomId()}`,
      code: `test_${cur}_test`,
      method: 'test',
      flow: 'test',
      currency,
      fields: [TEST_STATUS_FIELD],
      amountMin: 0.01,
      amountMax: 9999999,
    };
    services.set(card.code, card);
    services.set(test.code, test);
  }

  const invoices = new Map<string, SimInvoice>();
  const byReference = new Map<string, string>();

  // -------------------------------------------------------------------------------------------
  // Shapes

  const hppUrl = (invoice: SimInvoice) => `${publicUrl}/hpp/${invoice.id}`;

  function flowData(invoice: SimInvoice): MilkyPayFlowData {
    if (invoice.service.flow === 'hpp') {
      return { action: hppUrl(invoice), method: 'GET', params: [], metadata: { sid: invoice.id } };
    }
    return { action: hppUrl(invoice), method: 'POST', params: { sid: invoice.id }, metadata: { sid: invoice.id } };
  }

  function publicShape(invoice: SimInvoice, withHppUrl: boolean) {
    const resolution = invoice.resolution === 'ok' ? 'OK' : invoice.resolution;
    return {
      data: {
        id: invoice.id,
        serial_number: invoice.id.slice(4),
        created: invoice.created,
        test_mode: invoice.testMode,
        reference_id: invoice.referenceId,
        currency: invoice.currency,
        amount: invoice.amount,
        payment_amount: invoice.amount,
        processed_amount: invoice.processedAmount,
        refunded_amount: null,
        description: invoice.description,
        has_return_url: invoice.returnUrl !== null || invoice.returnUrls !== null,
        status: invoice.status,
        resolution,
        service: invoice.service.code,
        service_method: invoice.service.method,
        service_flow: invoice.service.flow,
        service_currency: invoice.service.currency,
        metadata: invoice.metadata,
        ...(withHppUrl && invoice.service.flow === 'hpp' ? { hpp_url: hppUrl(invoice) } : {}),
        active_payment: {
          payload: flowData(invoice),
          status: invoice.status === 'process_pending' ? 'invoked' : invoice.status,
          resolution,
        },
      },
    };
  }

  function privateResource(invoice: SimInvoice, withHppUrl: boolean) {
    const processed = invoice.status === 'processed';
    return {
      type: 'payment-invoices',
      id: invoice.id,
      attributes: {
        serial_number: invoice.id.slice(4),
        status: invoice.status,
        resolution: invoice.resolution,
        moderation_required: false,
        amount: invoice.amount,
        payment_amount: invoice.amount,
        currency: invoice.currency,
        service_currency: invoice.service.currency,
        reference_id: invoice.referenceId,
        test_mode: invoice.testMode,
        fee: 0,
        deposit: invoice.amount,
        processed: invoice.processed,
        processed_amount: invoice.processedAmount,
        refunded_amount: null,
        processed_fee: processed ? 0 : null,
        processed_deposit: processed ? invoice.processedAmount : null,
        metadata: invoice.metadata,
        flow_data: flowData(invoice),
        flow: invoice.service.flow,
        ...(withHppUrl && invoice.service.flow === 'hpp' ? { hpp_url: hppUrl(invoice) } : {}),
        payment_flow: invoice.paymentFlow,
        created: invoice.created,
        updated: invoice.updated,
        payload: null,
        description: invoice.description,
        descriptor: null,
        callback_url: invoice.callbackUrl,
        return_url: invoice.returnUrl,
        original_data: { external_id: null, merchant_id: null, provider_id: null, external_mid: null, provider_code: null },
        rrn: null,
        approval_code: null,
        reserved_amount: null,
        reserve_expires: null,
        unreserved: null,
        source: invoice.source,
        // An empty array until the first callback, then an object keyed by time, as in the document.
        callback_logs: Object.keys(invoice.callbackLogs).length === 0 ? [] : { ...invoice.callbackLogs },
      },
      relationships: {
        'payment-service': { data: { type: 'payment-services', id: invoice.service.code } },
        'payment-method': { data: { type: 'payment-methods', id: invoice.service.method } },
        ...(invoice.customerId ? { customer: { data: { type: 'customers', id: invoice.customerId } } } : {}),
      },
      links: { self: `${basePath}/api/payment-invoices/${invoice.id}` },
    };
  }

  function serviceResource(service: SimService): MilkyPayPaymentServiceResource {
    return {
      type: 'payment-services',
      id: service.resourceId,
      attributes: {
        service: service.code,
        service_method: service.method,
        service_currency: service.currency,
        available: true,
        active: false,
        enabled: true,
        amount_min: service.amountMin,
        amount_max: service.amountMax,
        fee_min: 0,
        fee_max: 0,
        fee_rate: 0,
        fee_fix: 0,
        reserve_lifetime: 0,
        reserve_rate: 0,
        currency: ACCOUNT_CURRENCY,
        test_mode: accountTestMode,
      },
      relationships: {
        'payment-method': { data: { type: 'payment-methods', id: service.method } },
        'payment-service': { data: { type: 'payment-services', id: service.code } },
      },
      links: { self: `${basePath}/api/payment-services/${service.resourceId}` },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Invoice life

  /** Invoices past `expires` become process_failed / expired when read. */
  function refresh(invoice: SimInvoice): SimInvoice {
    if (invoice.status === 'process_pending' && invoice.expiresAt !== null && now() > invoice.expiresAt) {
      settle(invoice, 'process_failed', 'expired');
    }
    return invoice;
  }

  function settle(invoice: SimInvoice, status: InvoiceStatus, resolution: string): void {
    invoice.status = status;
    invoice.resolution = resolution;
    invoice.updated = seconds(now());
    if (status === 'processed') {
      invoice.processed = invoice.updated;
      invoice.processedAmount = invoice.amount;
    }
    sendCallback(invoice);
  }

  function createInvoice(input: InvoiceInput, source: SimInvoice['source']): SimInvoice {
    let id = `cpi_${randomId()}`;
    while (invoices.has(id)) id = `cpi_${randomId()}`;
    const created = seconds(now());
    const invoice: SimInvoice = {
      id,
      referenceId: input.referenceId,
      service: input.service,
      currency: input.currency,
      amount: input.amount,
      description: input.description,
      paymentFlow: input.paymentFlow,
      status: 'process_pending',
      resolution: 'ok',
      created,
      updated: created,
      processed: null,
      processedAmount: null,
      expiresAt: input.expiresAt,
      callbackUrl: input.callbackUrl,
      returnUrl: input.returnUrl,
      returnUrls: input.returnUrls,
      customerId: input.hasCustomer ? `cus_${randomId()}` : null,
      metadata: input.metadata,
      source,
      testMode: input.testMode,
      callbackLogs: {},
    };
    invoices.set(id, invoice);
    byReference.set(invoice.referenceId, id);
    logger.info({ invoiceId: id, referenceId: invoice.referenceId, service: invoice.service.code }, 'MilkyPay simulator: invoice created');
    // "Sends a Callback to the merchant notifying them about successful invoice creation."
    sendCallback(invoice);
    return invoice;
  }

  /** Posts the invoice (private shape, as it is now) to its callback_url, off the request path. */
  function sendCallback(invoice: SimInvoice): void {
    const url = invoice.callbackUrl;
    if (!url) return;
    const body = JSON.stringify({ data: privateResource(invoice, false) });
    const transactionStatus = invoice.status;
    void faultInjection.sendCallback(() =>
      deliverCallback(invoice, url, body, transactionStatus).catch((error: unknown) => {
        logger.warn({ invoiceId: invoice.id, error: String(error) }, 'MilkyPay simulator: callback delivery crashed');
      }),
    );
  }

  async function deliverCallback(invoice: SimInvoice, url: string, body: string, transactionStatus: string): Promise<void> {
    let responseCode: number | null = null;
    for (let attempt = 0; attempt <= CALLBACK_RETRIES; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
      try {
        const response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
          signal: AbortSignal.timeout(5000),
        });
        responseCode = response.status;
        await response.body?.cancel();
        if (response.ok) {
          logCallback(invoice, 'done', responseCode, transactionStatus);
          logger.info({ invoiceId: invoice.id, url, status: responseCode, transactionStatus }, 'MilkyPay simulator: callback delivered');
          return;
        }
        logger.warn({ invoiceId: invoice.id, url, status: responseCode, attempt }, 'MilkyPay simulator: callback refused');
      } catch (error) {
        logger.warn({ invoiceId: invoice.id, url, attempt, error: String(error) }, 'MilkyPay simulator: callback failed');
      }
    }
    logCallback(invoice, 'failed', responseCode, transactionStatus);
  }

  function logCallback(invoice: SimInvoice, status: string, responseCode: number | null, transactionStatus: string): void {
    let key = seconds(now());
    while (invoice.callbackLogs[String(key)]) key++;
    invoice.callbackLogs[String(key)] = {
      status,
      processed: seconds(now()),
      response_code: responseCode,
      transaction_status: transactionStatus,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Validation (422 with the field-map shape)

  function validateInvoice(raw: Record<string, unknown>, api: Api): { input: InvoiceInput } | { errors: Record<string, string> } {
    const errors: Record<string, string> = {};

    // The private API's test_mode: "send true for test transactions; it is false by default".
    // The public API documents no such field: the key decides there.
    let invoiceTestMode = accountTestMode;
    if (api === 'private') {
      if (raw.test_mode === undefined || raw.test_mode === null) invoiceTestMode = false;
      else if (typeof raw.test_mode === 'boolean') invoiceTestMode = raw.test_mode;
      else errors.test_mode = 'This value should be of type bool.';
    }

    const serviceCode = text(raw.service);
    const service = serviceCode ? services.get(serviceCode) : undefined;
    if (!serviceCode) errors.service = MSG_BLANK;
    else if (!service) errors.service = MSG_CHOICE;

    const currency = text(raw.currency);
    if (!currency) errors.currency = MSG_BLANK;
    else if (service && currency !== service.currency) {
      errors.currency = `This value should be the service currency (${service.currency}).`;
    }

    let amount = Number.NaN;
    const amountText = text(raw.amount);
    if (raw.amount === undefined || raw.amount === null || amountText === '') errors.amount = MSG_BLANK;
    else if (amountText === undefined || !/^-?\d+(\.\d+)?$/.test(amountText.trim())) {
      errors.amount = 'This value should be of type float.';
    } else {
      amount = Number(amountText);
      if (amount <= 0) errors.amount = 'This value should be greater than 0.';
      else if (service && (amount < service.amountMin || amount > service.amountMax)) {
        errors.amount = `This value should be between ${service.amountMin} and ${service.amountMax}.`;
      } else if (currency && service && currency === service.currency) {
        try {
          toMinorUnits(amountText.trim(), currency);
        } catch (error) {
          if (!(error instanceof AmountError)) throw error;
          errors.amount = MSG_INVALID;
        }
      }
    }

    const flow = raw.flow === undefined || raw.flow === null ? 'charge' : text(raw.flow);
    if (flow !== 'charge' && flow !== 'verify') errors.flow = MSG_CHOICE;

    const description = raw.description === undefined || raw.description === null ? null : text(raw.description);
    if (description === undefined) errors.description = MSG_INVALID;

    const serviceFields = asRecord(raw.service_fields) ?? {};
    for (const field of service?.fields ?? []) {
      const value = text(serviceFields[field.key]);
      const name = `service_fields.${field.key}`;
      if (field.required && (value === undefined || value === '')) errors[name] = MSG_BLANK;
      else if (value !== undefined && field.regexp && !new RegExp(field.regexp).test(value)) errors[name] = MSG_INVALID;
    }

    const customer = raw.customer;
    if (customer !== undefined && customer !== null) {
      const reference = text(asRecord(customer)?.reference_id);
      if (!reference) errors['customer.reference_id'] = MSG_BLANK;
    }

    const url = (key: string, value: unknown): string | null => {
      if (value === undefined || value === null || value === '') return null;
      const s = text(value);
      if (!s || !isHttpUrl(s)) {
        errors[key] = MSG_URL;
        return null;
      }
      return s;
    };
    const returnUrl = url('return_url', raw.return_url);
    const callbackUrl = url('callback_url', raw.callback_url);
    let returnUrls: InvoiceInput['returnUrls'] = null;
    if (raw.return_urls !== undefined && raw.return_urls !== null) {
      const given = asRecord(raw.return_urls) ?? {};
      const picked: Record<'success' | 'fail' | 'pending', string | null> = { success: null, fail: null, pending: null };
      for (const key of ['success', 'fail', 'pending'] as const) {
        if (given[key] === undefined || given[key] === null || given[key] === '') errors[`return_urls.${key}`] = MSG_BLANK;
        else picked[key] = url(`return_urls.${key}`, given[key]);
      }
      if (picked.success && picked.fail && picked.pending) {
        returnUrls = { success: picked.success, fail: picked.fail, pending: picked.pending };
      }
    }

    let expiresAt: number | null = null;
    if (raw.expires !== undefined && raw.expires !== null && raw.expires !== '') {
      const parsed = Date.parse(text(raw.expires) ?? '');
      if (Number.isNaN(parsed)) errors.expires = 'This value is not a valid datetime.';
      else if (parsed < now() + 14 * 60_000 || parsed > now() + 2 * 86_400_000) {
        errors.expires = 'The expiry must be between 14 minutes and 2 days from the invoice creation.';
      } else expiresAt = parsed;
    }

    let referenceId = text(raw.reference_id);
    if (referenceId !== undefined && (referenceId.length === 0 || referenceId.length > 255)) errors.reference_id = MSG_INVALID;
    // "If you do not specify it, the API generates it itself and sends it in the response."
    referenceId ??= `ref_${randomId(24)}`;

    if (Object.keys(errors).length > 0 || !service || flow === undefined || description === undefined) {
      return { errors };
    }
    return {
      input: {
        referenceId,
        service,
        currency: service.currency,
        amount,
        description,
        paymentFlow: flow as 'charge' | 'verify',
        expiresAt,
        callbackUrl,
        returnUrl,
        returnUrls,
        hasCustomer: customer !== undefined && customer !== null,
        metadata: asRecord(raw.metadata) ?? {},
        testMode: invoiceTestMode,
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // HTTP helpers

  function publicKeyOk(given: unknown): boolean {
    return typeof given === 'string' && sameSecret(given, options.publicKey);
  }

  function basicAuthOk(req: Request): boolean {
    const header = req.get('authorization') ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    if (!match?.[1]) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const userOk = sameSecret(decoded.slice(0, colon), options.apiUser);
    const passwordOk = sameSecret(decoded.slice(colon + 1), options.apiPassword);
    return userOk && passwordOk;
  }

  function requireBasicAuth(req: Request, res: Response, next: NextFunction): void {
    if (basicAuthOk(req)) next();
    else res.status(401).set('WWW-Authenticate', 'Basic realm="MilkyPay"').json(ERROR_UNAUTHORIZED);
  }

  const methodNotAllowed = (_req: Request, res: Response) => {
    res.status(405).json(ERROR_METHOD_NOT_ALLOWED);
  };

  function findInvoice(id: string): SimInvoice | undefined {
    const invoice = invoices.get(id);
    return invoice && refresh(invoice);
  }

  /** Shared by the JSON creates: faults, validation, 409 on a reused reference_id, 201. */
  function createFromApi(raw: Record<string, unknown>, api: Api, res: Response): void {
    const checked = validateInvoice(raw, api);
    if ('errors' in checked) {
      res.status(422).json({ errors: checked.errors });
      return;
    }
    const shape = (invoice: SimInvoice) =>
      api === 'public' ? publicShape(invoice, true) : { data: privateResource(invoice, true) };
    const earlierId = byReference.get(checked.input.referenceId);
    const earlier = earlierId ? findInvoice(earlierId) : undefined;
    if (earlier) {
      res.status(409).json(shape(earlier));
      return;
    }
    const faults = options.faults;
    if (faults?.failNextCreates && faults.failNextCreates > 0) {
      faults.failNextCreates -= 1;
      if (faults.failAfterCreating) createInvoice(checked.input, api === 'public' ? 'public_api' : 'merchant_api');
      res.status(500).json(ERROR_INTERNAL);
      return;
    }
    const invoice = createInvoice(checked.input, api === 'public' ? 'public_api' : 'merchant_api');
    if (faults?.createLatencyMs) setTimeout(() => res.status(201).json(shape(invoice)), faults.createLatencyMs);
    else res.status(201).json(shape(invoice));
  }

  // -------------------------------------------------------------------------------------------
  // Routes

  const router = express.Router();
  router.use(express.json({ type: ['application/json', 'application/vnd.api+json', 'application/*+json'], limit: '100kb' }));
  router.use(express.urlencoded({ extended: true, limit: '100kb' }));
  // The server-to-server APIs, not the shopper's hosted page.
  router.use(['/public-api', '/api'], faultInjection.api(() => new Error('simulated fault')));

  router
    .route('/public-api/payment-prerequest')
    .post((req, res) => {
      const body = asRecord(req.body) ?? {};
      if (!publicKeyOk(body.public_key)) {
        res.status(401).json(ERROR_UNAUTHORIZED);
        return;
      }
      const currency = text(body.currency);
      if (!currency) {
        res.status(422).json({ errors: { currency: MSG_BLANK } });
        return;
      }
      const offered = [...services.values()].filter((service) => service.currency === currency);
      const methods: Record<string, unknown> = {};
      for (const service of offered) {
        const method = METHODS[service.method];
        methods[method.code] = {
          code: method.code,
          category: method.category,
          description: '',
          name: method.name,
          logo: `${publicUrl}/static/${method.code}/logo.svg`,
          icon: `${publicUrl}/static/${method.code}/icon.svg`,
          metadata: null,
          position: null,
          hide: null,
        };
      }
      res.json({
        data: {
          currency,
          test_mode: accountTestMode,
          services: Object.fromEntries(
            offered.map((service) => [
              service.code,
              {
                code: service.code,
                method: service.method,
                flow: service.flow,
                currency: service.currency,
                fields: service.fields,
                amount_min: service.amountMin,
                amount_max: service.amountMax,
              },
            ]),
          ),
          methods,
          account: { name: 'MilkyPay simulator', description: 'Sandbox account', icon: null, website: null },
        },
      });
    })
    .all(methodNotAllowed);

  router
    .route('/public-api/payment-invoices/process')
    .post((req, res) => {
      const body = asRecord(req.body) ?? {};
      if (!publicKeyOk(body.public_key)) {
        res.status(401).json(ERROR_UNAUTHORIZED);
        return;
      }
      const checked = validateInvoice(body, 'public');
      if ('errors' in checked) {
        res.status(422).json({ errors: checked.errors });
        return;
      }
      const earlierId = byReference.get(checked.input.referenceId);
      const invoice = (earlierId && findInvoice(earlierId)) || createInvoice(checked.input, 'payment_link');
      res.redirect(302, hppUrl(invoice));
    })
    .all(methodNotAllowed);

  router
    .route('/public-api/payment-invoices')
    .post((req, res) => {
      const body = asRecord(req.body);
      if (!body) {
        res.status(400).json(ERROR_BAD_REQUEST);
        return;
      }
      if (!publicKeyOk(body.public_key)) {
        res.status(401).json(ERROR_UNAUTHORIZED);
        return;
      }
      createFromApi(body, 'public', res);
    })
    .all(methodNotAllowed);

  router
    .route('/public-api/payment-invoices/:id')
    .get((req, res) => {
      if (!publicKeyOk(req.query.public_key)) {
        res.status(401).json(ERROR_UNAUTHORIZED);
        return;
      }
      const invoice = findInvoice(req.params.id);
      if (!invoice) {
        res.status(404).json(ERROR_NOT_FOUND);
        return;
      }
      res.json(publicShape(invoice, false));
    })
    .all(methodNotAllowed);

  router
    .route('/api/payment-invoices')
    .post(requireBasicAuth, (req, res) => {
      const data = asRecord(asRecord(req.body)?.data);
      if (!data) {
        res.status(400).json(ERROR_BAD_REQUEST);
        return;
      }
      if (data.type !== 'payment-invoices') {
        res.status(422).json({ errors: { 'data.type': MSG_CHOICE } });
        return;
      }
      createFromApi(asRecord(data.attributes) ?? {}, 'private', res);
    })
    .get(requireBasicAuth, (req, res) => {
      const query = req.query as Record<string, unknown>;
      const reference = bracketQuery(query, 'filter', 'reference_id');
      const list = [...invoices.values()]
        .filter((invoice) => reference === undefined || invoice.referenceId === reference)
        .map(refresh)
        .sort((a, b) => b.created - a.created);
      res.json({
        meta: { count: list.length, size: 20, before: list[0]?.id ?? null, after: list.at(-1)?.id ?? null },
        links: { prev: '', next: '' },
        data: list.map((invoice) => privateResource(invoice, false)),
      });
    })
    .all(methodNotAllowed);

  router
    .route('/api/payment-invoices/:id')
    .get(requireBasicAuth, (req, res) => {
      const invoice = findInvoice(req.params.id);
      if (!invoice) {
        res.status(404).json(ERROR_NOT_FOUND);
        return;
      }
      res.json({ data: privateResource(invoice, false) });
    })
    .all(methodNotAllowed);

  router
    .route('/api/payment-services')
    .get(requireBasicAuth, (req, res) => {
      const query = req.query as Record<string, unknown>;
      const size = Math.min(100, Math.max(1, Number.parseInt(bracketQuery(query, 'page', 'size') ?? '20', 10) || 20));
      const all = [...services.values()];
      const pages = Math.max(1, Math.ceil(all.length / size));
      const page = Math.min(pages, Math.max(1, Number.parseInt(bracketQuery(query, 'page', 'number') ?? '1', 10) || 1));
      const link = (n: number) => `${basePath}/api/payment-services?page[number]=${n}&page[size]=${size}`;
      res.json({
        meta: { total: all.length, pages, page },
        links: {
          first: link(1),
          ...(page > 1 ? { prev: link(page - 1) } : {}),
          ...(page < pages ? { next: link(page + 1) } : {}),
          last: link(pages),
        },
        data: all.slice((page - 1) * size, page * size).map(serviceResource),
      });
    })
    .all(methodNotAllowed);

  router
    .route('/api/payment-services/:id')
    .get(requireBasicAuth, (req, res) => {
      const service = [...services.values()].find((s) => s.resourceId === req.params.id || s.code === req.params.id);
      if (!service) {
        res.status(404).json(ERROR_NOT_FOUND);
        return;
      }
      res.json({ data: serviceResource(service) });
    })
    .all(methodNotAllowed);

  router.get('/static/:method/:file', (req, res) => {
    const method = req.params.method;
    const file = req.params.file;
    if ((method !== 'payment_card' && method !== 'test') || (file !== 'logo.svg' && file !== 'icon.svg')) {
      res.status(404).json(ERROR_NOT_FOUND);
      return;
    }
    res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').send(methodSvg(method));
  });

  // The hosted payment page: GET from hpp_url / a GET form, POST from the test flow's form.
  router.route('/hpp/:invoiceId').get(showHostedPage).post(showHostedPage).all(methodNotAllowed);

  function showHostedPage(req: Request, res: Response): void {
    const invoice = findInvoice(String(req.params.invoiceId));
    sendPage(res, invoice);
  }

  router.get('/hpp/:invoiceId/done', showHostedPage);

  router
    .route('/hpp/:invoiceId/decide')
    .post((req, res) => {
      const invoice = findInvoice(String(req.params.invoiceId));
      if (!invoice) {
        sendPage(res, undefined);
        return;
      }
      // A decision on a final invoice changes nothing: the page shows how it ended.
      if (invoice.status !== 'process_pending') {
        sendPage(res, invoice);
        return;
      }
      const decision = text(asRecord(req.body)?.decision);
      if (decision !== 'approve' && decision !== 'decline') {
        res.status(400).type('text/plain').send('decision must be "approve" or "decline"');
        return;
      }
      if (decision === 'approve') settle(invoice, 'processed', 'ok');
      else settle(invoice, 'process_failed', 'declined');
      logger.info({ invoiceId: invoice.id, status: invoice.status, resolution: invoice.resolution }, 'MilkyPay simulator: shopper decided');
      const target =
        (decision === 'approve' ? invoice.returnUrls?.success : invoice.returnUrls?.fail) ??
        invoice.returnUrl ??
        `${basePath}/hpp/${invoice.id}/done`;
      res.redirect(303, target);
    })
    .all(methodNotAllowed);

  router.use((_req: Request, res: Response) => {
    res.status(404).json(ERROR_NOT_FOUND);
  });

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (asRecord(error)?.status as number | undefined) ?? 500;
    if (status >= 400 && status < 500) {
      res.status(status).json({ errors: [{ status: status === 413 ? 'Payload Too Large' : 'Bad Request', code: String(status) }] });
      return;
    }
    logger.warn({ error: String(error) }, 'MilkyPay simulator: internal error');
    res.status(500).json(ERROR_INTERNAL);
  });

  // -------------------------------------------------------------------------------------------
  // The hosted page

  function sendPage(res: Response, invoice: SimInvoice | undefined): void {
    res.set('Cache-Control', 'no-store');
    // The page's own policy: inline styles only, forms post here, redirects go to merchant URLs.
    res.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self' http: https:; frame-ancestors 'self'",
    );
    if (!invoice) {
      res.status(404).type('html').send(hostedPage('MilkyPay — Invoice not found', '<h1>Invoice not found</h1>'));
      return;
    }
    const amount = `${toMajorString(toMinorUnits(String(invoice.amount), invoice.currency), invoice.currency)} ${invoice.currency}`;
    const method = METHODS[invoice.service.method];
    const details = `
      ${invoice.status === 'process_pending' ? '' : `<p class="amount">${escapeHtml(amount)}</p>`}
      ${invoice.description ? `<p class="description">${escapeHtml(invoice.description)}</p>` : ''}
      <dl>
        <dt>Invoice</dt><dd>${escapeHtml(invoice.id)}</dd>
        <dt>Method</dt><dd>${escapeHtml(method.name.en)}</dd>
      </dl>`;
    const icon = `<img src="${basePath}/static/${method.code}/icon.svg" alt="" width="28" height="28">`;
    if (invoice.status === 'process_pending') {
      res.type('html').send(
        hostedPage(
          `MilkyPay — Pay ${amount}`,
          `<header>${icon}<span class="brand">MilkyPay</span>${invoice.testMode ? '<span class="badge">Test mode</span>' : ''}</header>
          <h1>Pay ${escapeHtml(amount)}</h1>
          ${details}
          <form method="post" action="${basePath}/hpp/${escapeHtml(invoice.id)}/decide">
            <button type="submit" name="decision" value="approve">Approve payment</button>
            <button type="submit" name="decision" value="decline" class="secondary">Decline payment</button>
          </form>
          <p class="note">A simulated payment page: no money moves.</p>`,
        ),
      );
      return;
    }
    const outcome =
      invoice.status === 'processed'
        ? 'Payment approved'
        : invoice.resolution === 'expired'
          ? 'Invoice expired'
          : 'Payment declined';
    res.type('html').send(
      hostedPage(
        `MilkyPay — ${outcome}`,
        `<header>${icon}<span class="brand">MilkyPay</span></header>
        <h1 class="${invoice.status === 'processed' ? 'ok' : 'failed'}">${outcome}</h1>
        ${details}
        <p class="note">Status: ${escapeHtml(invoice.status)} / ${escapeHtml(invoice.resolution)}. You can close this page.</p>`,
      ),
    );
  }

  return router;
}

function hostedPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  /* Widths include padding and border, so the card fits a 320 px phone. */
  *, *::before, *::after { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f3f1fb; color: #1d1b2c; }
  main { width: min(420px, calc(100vw - 32px)); overflow-wrap: anywhere; background: #fff; border-radius: 16px; padding: 28px;
         box-shadow: 0 12px 32px rgb(40 30 90 / 12%); }
  header { display: flex; align-items: center; gap: 10px; margin-bottom: 20px; }
  .brand { font-weight: 700; font-size: 18px; color: #4b3bb8; }
  .badge { margin-left: auto; font-size: 12px; background: #fff3cd; color: #6b5300; padding: 2px 8px; border-radius: 99px; }
  h1 { font-size: 22px; margin: 0 0 8px; }
  h1.ok { color: #1b7a3d; } h1.failed { color: #b3261e; }
  .amount { font-size: 32px; font-weight: 700; margin: 0 0 4px; }
  .description { margin: 0 0 16px; color: #555; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; font-size: 14px; color: #555; margin: 0 0 24px; }
  dt { font-weight: 600; } dd { margin: 0; min-width: 0; overflow-wrap: anywhere; font-family: ui-monospace, monospace; }
  form { display: grid; gap: 10px; }
  button { font: inherit; font-weight: 600; padding: 12px; border-radius: 10px; border: 1px solid #4b3bb8;
           background: #4b3bb8; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #b3261e; border-color: #b3261e; }
  button:focus-visible { outline: 3px solid #9d8cff; outline-offset: 2px; }
  .note { font-size: 12px; color: #777; margin: 16px 0 0; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function methodSvg(method: 'payment_card' | 'test'): string {
  if (method === 'payment_card') {
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 32" width="48" height="32" role="img" aria-label="Payment card"><rect x="1" y="1" width="46" height="30" rx="4" fill="#4b3bb8"/><rect x="1" y="7" width="46" height="5" fill="#1d1b2c"/><rect x="6" y="19" width="14" height="4" rx="1" fill="#fff"/></svg>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Test"><circle cx="16" cy="16" r="15" fill="#1b7a3d"/><path d="M9 16.5l4.5 4.5L23 11" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
}
