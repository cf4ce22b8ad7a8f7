/**
 * Payment Hub as a PaymentProvider: methods from the vendor list and the client's payment
 * gateways, transactions by `merchant_ref_code` (our payment id), the vendor's payment_url framed
 * (Stripe's top-level), the webhook as a signal, batch lookups with fetch-multiple, refunds in
 * stages, cancel, the error log, and the shared payment page.
 *
 * Choices where the document is silent:
 * - Methods: the vendor list and the gateway list are the same for every shopper; both are cached
 *   together for `catalogTtlMs` (10 minutes), one load at a time (single flight), whatever the
 *   currency. A vendor without methods (Stripe) is one method: its page with all it offers.
 * - Status lookups of an `initial` transaction answer `requires_action` without an action: the
 *   shopper's page stays the one the create answered (the lookup carries no payment_url).
 * - The webhook URL is our callback URL, which names our payment; the webhook's request (a GET,
 *   the document says) is never read beyond that: the transaction is fetched by merchant_ref_code.
 * - Email is required for Stripe and Reddot (the document): a payment without the customer's email
 *   is refused before anything is sent.
 * - Refunds: Payment Hub answers `pending refund`; the payment is `refund_pending` until a lookup
 *   (webhook, poll, reconciliation) reads the stage's outcome. A refund answered `success refund` is
 *   looked up at once; if that lookup fails, the refund is answered `refund_pending` as well.
 * - A transaction whose Status is "success refund" with no refund amounts (Refunds null) is read
 *   as refunded in full: the document's partial word is "partial refund" (transformers.ts).
 * - `expired` means "expired or canceled" (the document). A transaction `expired` before its
 *   ExpiredAt was canceled (by the shopper on the vendor page, or by our cancel): `canceled` here;
 *   after it, `expired`.
 */
import { AppError, ProviderError } from '../../errors.js';
import { TtlCache } from '../../cache/ttl-cache.js';
import type {
  CallbackInput,
  CreatePaymentRequest,
  PaymentLookup,
  PaymentMethod,
  PaymentProvider,
  ProviderCapabilities,
  ProviderErrorLogEntry,
  ProviderPaymentDetails,
  ProviderPaymentState,
  SharedPaymentRequest,
} from '../provider.js';
import { PaymentHubClient } from './client.js';
import type { PaymentHubPaymentGateway, PaymentHubTransactionRecord, PaymentHubVendor } from './paymenthub-types.js';
import { PaymentHubTokenManager, type PaymentHubTokenStore } from './token-manager.js';
import {
  closestVendorLang,
  gatewaysToPaymentMethods,
  normalizeStatusWord,
  PAYMENTHUB_PROVIDER_ID,
  parseMethodCode,
  readRefundAnswer,
  scrubPaymentHubPayload,
  toRefundRequest,
  toSharedPaymentRequest,
  toTransactionRequest,
  transactionCreatedToState,
  transactionToState,
  vendorOfGateway,
} from './transformers.js';

export interface PaymentHubProviderOptions {
  baseUrl: string;
  refreshToken: string;
  tokenStore: PaymentHubTokenStore;
  /** Held around token resets (Store.withLock). */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Told once when the refresh token is refused: the operator must set a new one. */
  onCredentialsRefused?: (message: string) => void;
  /** PAYMENTHUB_PAYMENT_VENDOR: offer this gateway only. */
  paymentVendor?: string;
  catalogTtlMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  fetchMultipleBatchSize?: number;
}

/** What the readiness check reports about the provider's credentials. */
export interface CredentialsStatus {
  ok: boolean;
  message?: string;
}

export interface PaymentHubProvider extends PaymentProvider {
  credentialsStatus(): CredentialsStatus;
}

const CAPABILITIES: ProviderCapabilities = { refund: true, capture: false, cancel: true, installments: false };
const CATALOG_TTL_MS = 10 * 60_000;
const VENDORS_NEEDING_EMAIL = new Set(['stripe', 'reddot']);

interface Catalog {
  vendors: PaymentHubVendor[];
  gateways: PaymentHubPaymentGateway[];
  /** The methods per currency, worked out once per catalog rather than on every checkout load. */
  methodsByCurrency: Map<string, PaymentMethod[]>;
}

export function createPaymentHubProvider(options: PaymentHubProviderOptions): PaymentHubProvider {
  const tokens = new PaymentHubTokenManager({
    baseUrl: options.baseUrl,
    refreshToken: options.refreshToken,
    store: options.tokenStore,
    ...(options.lock ? { lock: options.lock } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
    onRefusal: (error) => options.onCredentialsRefused?.(error.message),
  });
  const client = new PaymentHubClient({
    baseUrl: options.baseUrl,
    tokens,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.fetchMultipleBatchSize ? { fetchMultipleBatchSize: options.fetchMultipleBatchSize } : {}),
  });
  const now = options.now ?? Date.now;
  const catalogCache = new TtlCache<Catalog>(options.catalogTtlMs ?? CATALOG_TTL_MS, options.now);

  function catalog(): Promise<Catalog> {
    return catalogCache.get('catalog', async () => {
      const [vendors, gateways] = await Promise.all([client.listVendors(), client.listPaymentGateways()]);
      return { vendors, gateways, methodsByCurrency: new Map() };
    });
  }

  async function gatewayVendor(gatewayId: string): Promise<PaymentHubVendor> {
    const { vendors, gateways } = await catalog();
    const gateway = gateways.find((candidate) => candidate.ID === gatewayId);
    const vendor = gateway && vendorOfGateway(gateway, vendors);
    if (!vendor || (options.paymentVendor && gatewayId !== options.paymentVendor)) {
      throw new AppError('invalid_request', `methodCode: ${gatewayId} is not one of the Payment Hub payment gateways offered`);
    }
    return vendor;
  }

  function readRecord(record: PaymentHubTransactionRecord, lookup: PaymentLookup): ProviderPaymentState {
    if (record.MerchantRefCode !== lookup.paymentId) {
      throw new ProviderError('not_found', `Payment Hub answered about ${record.MerchantRefCode} instead of ${lookup.paymentId}`, PAYMENTHUB_PROVIDER_ID);
    }
    let state = transactionToState(record);
    if (lookup.providerRef?.startsWith('shared:')) {
      // A shared page may be paid in another of its currencies: the amount is reported in words,
      // and the shared page's reference stays the payment's.
      const { amount: _amount, currency: _currency, providerRef: _ref, ...rest } = state;
      state = { ...rest, providerStatus: `${state.providerStatus ?? '-'} (${String(record.Amount ?? '?')} ${record.Currency ?? ''})`.trim() };
    }
    // "expired or canceled": an `expired` transaction whose time is not over was canceled.
    const endsAt = Date.parse(record.ExpiredAt ?? '');
    if (state.status === 'expired' && Number.isFinite(endsAt) && endsAt > now()) {
      return { ...state, status: 'canceled', failure: { code: 'canceled', message: 'The payment was canceled on the payment page.' } };
    }
    // The vendor page is still open: the shopper keeps the page the create answered.
    if (state.status === 'pending' && normalizeStatusWord(record.Status) === 'initial') return { ...state, status: 'requires_action' };
    return state;
  }

  async function lookUp(lookup: PaymentLookup): Promise<{ state: ProviderPaymentState; record: PaymentHubTransactionRecord | undefined }> {
    try {
      const record = await client.getTransaction(lookup.paymentId);
      return { state: readRecord(record, lookup), record };
    } catch (error) {
      // A shared page whose shopper has not chosen yet has no transaction: still their move.
      if (error instanceof ProviderError && error.code === 'not_found' && lookup.providerRef?.startsWith('shared:')) {
        return { state: { status: 'requires_action', providerStatus: 'shared page open' }, record: undefined };
      }
      throw error;
    }
  }

  return {
    id: PAYMENTHUB_PROVIDER_ID,
    capabilities: CAPABILITIES,

    credentialsStatus(): CredentialsStatus {
      const failure = tokens.authenticationFailure;
      return failure ? { ok: false, message: failure.message } : { ok: true };
    },

    async listMethods(query: { currency: string; locale: string }): Promise<PaymentMethod[]> {
      const { vendors, gateways, methodsByCurrency } = await catalog();
      const currency = query.currency.toUpperCase();
      let methods = methodsByCurrency.get(currency);
      if (!methods) {
        methods = gatewaysToPaymentMethods({ gateways, vendors, currency, ...(options.paymentVendor ? { onlyGatewayId: options.paymentVendor } : {}) });
        methodsByCurrency.set(currency, methods);
      }
      return methods;
    },

    async createPayment(request: CreatePaymentRequest): Promise<ProviderPaymentState> {
      if (request.card) throw new AppError('invalid_request', 'card: Payment Hub takes card details on the vendor page only');
      if (request.captureMode === 'manual') throw new AppError('invalid_request', 'captureMethod: Payment Hub documents no pre-authorization');
      const { gatewayId, paymentMethod } = parseMethodCode(request.methodCode);
      const vendor = await gatewayVendor(gatewayId);
      if (paymentMethod && !vendor.PaymentMethod.includes(paymentMethod)) {
        throw new AppError('invalid_request', `methodCode: ${vendor.Name} has no method ${paymentMethod}`);
      }
      if (VENDORS_NEEDING_EMAIL.has(vendor.Name.toLowerCase()) && !request.customer?.email) {
        throw new AppError('invalid_request', `customer.email: Payment Hub requires the customer's email for ${vendor.Name}; give it when creating the session`);
      }
      const body = toTransactionRequest(request, {
        gatewayId,
        ...(paymentMethod ? { paymentMethod } : {}),
        vendorLangs: vendor.Lang,
        webhookUrl: request.callbackUrl,
      });
      const { paymentUrl } = await client.createTransaction(body);
      return transactionCreatedToState(paymentUrl, request, vendor.Name);
    },

    async createSharedPayment(request: SharedPaymentRequest): Promise<ProviderPaymentState> {
      const { vendors, gateways } = await catalog();
      const paymentMethod = request.page.options.map((option) => {
        if (option.method === 'credit_card_tokenize') return { label: option.label, payment_method: option.method };
        const gateway = gateways.find((candidate) => candidate.ID === option.vendor) ?? gateways.find((candidate) => vendorOfGateway(candidate, vendors)?.Name.toLowerCase() === option.vendor?.toLowerCase());
        if (!gateway) throw new AppError('invalid_request', `sharedPaymentPage.options: no Payment Hub payment gateway ${option.vendor ?? '(none)'}`);
        return { label: option.label, payment_method: option.method ?? '', payment_vendor: gateway.ID, currency: option.currency ?? request.currency };
      });
      const langs = [...new Set(gateways.flatMap((gateway) => vendorOfGateway(gateway, vendors)?.Lang ?? []))];
      const body = toSharedPaymentRequest(request, { paymentMethod, vendorLangs: langs });
      const answer = await client.initializeSharedPayment(body);
      return {
        status: 'requires_action',
        action: { type: 'iframe', url: answer.paymentLink },
        providerRef: `shared:${answer.sharedPaymentId}`,
        providerStatus: 'shared page initialized',
      };
    },

    async getPayment(lookup: PaymentLookup): Promise<ProviderPaymentState> {
      return (await lookUp(lookup)).state;
    },

    async getPayments(lookups: readonly PaymentLookup[]): Promise<Map<string, ProviderPaymentState>> {
      const records = await client.fetchTransactions(lookups.map((lookup) => lookup.paymentId));
      const states = new Map<string, ProviderPaymentState>();
      for (const lookup of lookups) {
        const record = records.find((candidate) => candidate.MerchantRefCode === lookup.paymentId);
        if (record) states.set(lookup.paymentId, readRecord(record, lookup));
      }
      return states;
    },

    async paymentDetails(lookup: PaymentLookup): Promise<ProviderPaymentDetails> {
      const { state, record } = await lookUp(lookup);
      return { state, record: record === undefined ? null : scrubPaymentHubPayload(record) };
    },

    readCallback(input: CallbackInput): PaymentLookup | undefined {
      // Our webhook URL names the payment; the request itself (a GET) says nothing we would trust.
      // The document suggests putting merchant_ref_code in the URL: a query parameter is read too.
      const fromQuery = typeof input.query.merchant_ref_code === 'string' ? input.query.merchant_ref_code : undefined;
      if (input.paymentId && fromQuery && fromQuery !== input.paymentId) return undefined;
      const paymentId = input.paymentId ?? fromQuery;
      return paymentId ? { paymentId } : undefined;
    },

    async refund(lookup: PaymentLookup, amount: number, currency: string, reason: string): Promise<ProviderPaymentState> {
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new AppError('invalid_request', 'amount: a positive amount in minor units');
      const answer = await client.refundTransaction(toRefundRequest(lookup.paymentId, reason, { minor: amount, currency }));
      const read = readRefundAnswer(answer, currency);
      if (read.outcome === 'failed') {
        throw new ProviderError('provider_rejected', `Payment Hub did not refund (${answer.status})`, PAYMENTHUB_PROVIDER_ID, 200, scrubPaymentHubPayload(answer));
      }
      const pending: ProviderPaymentState = { status: 'refund_pending', providerStatus: `refund ${answer.status}` };
      if (read.outcome !== 'succeeded') return pending;
      try {
        return (await lookUp(lookup)).state;
      } catch (error) {
        // The hub has the refund: a failed lookup after it must not read as a refusal, which would
        // let a retry refund again. It stays pending until a lookup reads it.
        return { ...pending, providerStatus: `${pending.providerStatus}; the transaction could not be read after it: ${error instanceof Error ? error.message : String(error)}` };
      }
    },

    async cancel(lookup: PaymentLookup): Promise<ProviderPaymentState> {
      const record = await client.cancelTransaction(lookup.paymentId);
      const state = readRecord(record, lookup);
      // Canceled now, at our request, whatever the clocks say of ExpiredAt.
      return state.status === 'expired' ? { ...state, status: 'canceled', failure: { code: 'canceled', message: 'canceled by the merchant' } } : state;
    },

    async errorLog(lookup: PaymentLookup): Promise<ProviderErrorLogEntry[]> {
      const entries = await client.errorLog({ service_name: '', action_name: '', metadata: { merchant_ref_code: lookup.paymentId, transaction_id: '', token: '' } });
      return entries
        .filter((entry) => entry.Metadata.some((item) => item.Key === 'merchant_ref_code' && item.Value === lookup.paymentId))
        .map((entry) => ({
          ...(entry.CreatedAt ? { at: entry.CreatedAt } : {}),
          ...(entry.ServiceName ? { service: entry.ServiceName } : {}),
          ...(entry.ActionName ? { action: entry.ActionName } : {}),
          ...(entry.ErrorCode !== undefined && entry.ErrorCode !== null ? { code: String(entry.ErrorCode) } : {}),
          message: String(scrubPaymentHubPayload(entry.ErrorMessage ?? '')),
        }));
    },
  };
}
