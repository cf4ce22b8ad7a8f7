/**
 * HankoPay as a PaymentProvider: card transactions created server-side, a paymentLink the
 * shopper follows for 3-D Secure, the outcome learnt by status lookup, refunds, and the merchant
 * extras (transaction list and details, payouts, wallet balance).
 *
 * One method, `hankopay:card`; its card details come in `CreatePaymentRequest.card` and only the
 * masked number (first six, last four) is returned, in `state.card`. The security code goes to
 * HankoPay in the request body and nowhere else.
 *
 * Choices where the document is silent or inconsistent:
 * - Amounts: the examples write `"amount": 500` with `"currency": "USD"` and never say which
 *   unit. Read as major units (500.00 USD), like every other provider here and like the
 *   wallet's `"amount": 2500`; sent as a JSON number with the currency's decimals.
 * - paymentLink: the document says "redirect the customer to that URL" and nothing about
 *   framing, and the page is the issuer's 3-D Secure or a hosted page whose framing headers we
 *   cannot know. A careful integrator redirects: the action is `redirect` (top-level) by default.
 *   The `paymentLinkAction: 'iframe'` option frames it; the sandbox setup uses it, because the
 *   simulator's pages allow framing.
 * - Callbacks: their body is not documented. They are signals only: `readCallback` takes the
 *   transaction id (`transactionId`, else `_id`) and the order id, and `getPayment` asks HankoPay.
 *   A callback's status or amount is never read, so a forged or replayed one changes nothing
 *   beyond a lookup.
 * - getPayment asks the documented status endpoint for the status words and the details
 *   endpoint (the "stored record", undocumented shape) for amount, currency, order id, refunds and
 *   the paymentLink, since the status answer carries none of them: the service needs the amount
 *   and currency to hold a mismatch for review. Both run in parallel; a record whose orderId is
 *   not our payment id is refused (`not_found`), so a callback cannot tie another order to ours.
 * - A `pending` lookup whose record still shows the paymentLink stays `requires_action` with that
 *   link; without a link it is `pending`.
 * - A payment without providerRef (the create's answer was lost) is looked for in the list by
 *   orderId, newest pages first as HankoPay returns them, up to `lookupPages` pages; not found is
 *   `not_found`, which the service reads as "never created".
 * - Refunds answer `pending`. After a refund the original is looked up: if it already shows the
 *   refund (status refunded / partially_refunded, or `refundedAmount` on the record) that state is
 *   returned with the refunded total; otherwise `refund_pending`. A refund answered `failed`, or
 *   refused, raises the error and moves nothing.
 * - Capabilities: refund yes; capture and cancel no (the document has neither); installments no.
 *   A manual capture mode or an installment count above one is refused before anything is sent.
 * - The shopper's IP is required (the document: "always send" it); a request without one is
 *   refused. The customer's name is the order's, else the name on the card, split at the last
 *   space into firstName / lastName.
 * - The example billing address has `"country": "IN"` with a New York address: the country is
 *   sent as the merchant gave it (upper-cased), not checked against the state.
 * - Payouts: `destination` is passed through as given (the example's `walletId` is the same id as
 *   the balance's wallet, so its meaning is unclear). Before sending, the balance in the payout's
 *   currency (active wallets) is checked and a short one refused with `provider_rejected` naming
 *   both amounts (`checkBalanceBeforePayout`, default true); HankoPay's own refusal maps the same.
 */
import { AppError, ProviderError } from '../../errors.js';
import { toMajorString } from '../../payments/money.js';
import type {
  CallbackInput,
  CreatePaymentRequest,
  PaymentLookup,
  PaymentMethod,
  PaymentProvider,
  PayoutRequest,
  PayoutState,
  ProviderCapabilities,
  ProviderPaymentDetails,
  ProviderPaymentState,
  ProviderTransactionPage,
  WalletBalance,
} from '../provider.js';
import { HankoPayClient, type HankoPayClientOptions } from './client.js';
import type { HankoPayTransactionRecord } from './hankopay-types.js';
import {
  availableBalance,
  HANKOPAY_CARD_METHOD,
  HANKOPAY_PROVIDER_ID,
  hankoPayMethods,
  listToPage,
  lookupToState,
  payoutResponseToState,
  readHankoPayCallback,
  readRefundStatus,
  scrubHankoPayPayload,
  toPayoutRequest,
  toRefundRequest,
  toTransactionRequest,
  transactionCreatedToState,
  walletsFromBalance,
  type PaymentLinkAction,
} from './transformers.js';

export interface HankoPayProviderOptions extends HankoPayClientOptions {
  /** How a paymentLink is shown: `redirect` (default) or `iframe`. */
  paymentLinkAction?: PaymentLinkAction;
  /** Check the wallet balance before a payout and refuse a short one without sending it. Default true. */
  checkBalanceBeforePayout?: boolean;
  /** How many list pages to search for a payment whose transaction id was never learnt. Default 5. */
  lookupPages?: number;
}

const CAPABILITIES: ProviderCapabilities = { refund: true, capture: false, cancel: false, installments: false };
const LIST_LIMIT_MAX = 100;

export function createHankoPayProvider(options: HankoPayProviderOptions): PaymentProvider {
  const client = new HankoPayClient(options);
  const paymentLinkAction = options.paymentLinkAction ?? 'redirect';
  const checkBalanceBeforePayout = options.checkBalanceBeforePayout ?? true;
  const lookupPages = options.lookupPages ?? 5;

  /** The transaction id: the one we hold, else the list's record with our orderId. */
  async function transactionIdOf(lookup: PaymentLookup): Promise<string> {
    if (lookup.providerRef) return lookup.providerRef;
    for (let page = 1; page <= lookupPages; page++) {
      const list = await client.listTransactions({ page, limit: LIST_LIMIT_MAX });
      const found = list.data.find((record) => record.orderId === lookup.paymentId);
      const id = found?._id ?? found?.transactionId;
      if (id) return id;
      if (page >= list.pagination.pages) break;
    }
    throw new ProviderError('not_found', `HankoPay has no transaction with orderId ${lookup.paymentId}`, HANKOPAY_PROVIDER_ID, 404);
  }

  async function lookUp(lookup: PaymentLookup): Promise<{ state: ProviderPaymentState; record: HankoPayTransactionRecord }> {
    const transactionId = await transactionIdOf(lookup);
    const [status, record] = await Promise.all([client.getStatus(transactionId), client.getTransaction(transactionId)]);
    for (const orderId of [status.orderId, record.orderId]) {
      if (orderId && orderId !== lookup.paymentId) {
        throw new ProviderError('not_found', `HankoPay transaction ${transactionId} belongs to orderId ${orderId}, not ${lookup.paymentId}`, HANKOPAY_PROVIDER_ID);
      }
    }
    const state = lookupToState({ ...status, transactionId: status.transactionId ?? transactionId }, record, { paymentLinkAction });
    return { state, record };
  }

  return {
    id: HANKOPAY_PROVIDER_ID,
    capabilities: CAPABILITIES,

    /** The shortest authenticated read HankoPay documents. */
    async checkCredentials(): Promise<void> {
      await client.listTransactions({ page: 1, limit: 1 });
    },

    // HankoPay lists no methods or currencies: cards are offered in any currency.
    listMethods(): Promise<PaymentMethod[]> {
      return Promise.resolve(hankoPayMethods());
    },

    async createPayment(request: CreatePaymentRequest): Promise<ProviderPaymentState> {
      if (request.methodCode !== HANKOPAY_CARD_METHOD) throw new AppError('invalid_request', `methodCode: HankoPay has no method ${request.methodCode}`);
      if (request.captureMode === 'manual') throw new AppError('invalid_request', 'captureMode: HankoPay documents no pre-authorization');
      if (request.installments !== undefined && request.installments !== 1) {
        throw new AppError('invalid_request', 'installments: HankoPay documents no installments');
      }
      const body = toTransactionRequest(request);
      const response = await client.createTransaction(body);
      if (response.orderId && response.orderId !== request.paymentId) {
        throw new ProviderError('outcome_unknown', `HankoPay answered about orderId ${response.orderId} instead of ${request.paymentId}`, HANKOPAY_PROVIDER_ID);
      }
      return transactionCreatedToState(response, { ...(request.card ? { card: request.card } : {}), paymentLinkAction });
    },

    async getPayment(lookup: PaymentLookup): Promise<ProviderPaymentState> {
      return (await lookUp(lookup)).state;
    },

    async paymentDetails(lookup: PaymentLookup): Promise<ProviderPaymentDetails> {
      const { state, record } = await lookUp(lookup);
      return { state, record: scrubHankoPayPayload(record) };
    },

    readCallback(input: CallbackInput): PaymentLookup | undefined {
      const ids = readHankoPayCallback(input.body, input.query);
      // Our payment id comes with the URL; the body's orderId must agree where both are there.
      if (input.paymentId && ids.orderId && ids.orderId !== input.paymentId) return undefined;
      const paymentId = input.paymentId ?? ids.orderId;
      if (!paymentId) return undefined;
      return { paymentId, ...(ids.transactionId ? { providerRef: ids.transactionId } : {}) };
    },

    async refund(lookup: PaymentLookup, amount: number, currency: string, reason: string): Promise<ProviderPaymentState> {
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new AppError('invalid_request', 'amount: a positive amount in minor units');
      const transactionId = await transactionIdOf(lookup);
      const response = await client.refund(transactionId, toRefundRequest(amount, currency, reason));
      const refundStatus = readRefundStatus(response.status);
      const words = `refund ${response.status ?? '-'}${response.refundTransactionId ? ` ${response.refundTransactionId}` : ''}`;
      if (refundStatus === 'failed') {
        throw new ProviderError('provider_rejected', `HankoPay did not refund ${toMajorString(amount, currency)} ${currency} (${words})`, HANKOPAY_PROVIDER_ID, 200, scrubHankoPayPayload(response));
      }
      try {
        const { state } = await lookUp({ ...lookup, providerRef: transactionId });
        if (state.status === 'refunded' || state.status === 'partially_refunded') return { ...state, providerStatus: `${state.providerStatus ?? '-'}; ${words}` };
      } catch (error) {
        // The refund was accepted; a lookup that fails now leaves it pending, to be read later.
        if (!(error instanceof ProviderError)) throw error;
      }
      return { status: 'refund_pending', providerRef: transactionId, providerStatus: words };
    },

    async listTransactions(query: { page: number; limit: number }): Promise<ProviderTransactionPage> {
      if (!Number.isInteger(query.page) || query.page < 1) throw new AppError('invalid_request', 'page: a whole number from 1');
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > LIST_LIMIT_MAX) {
        throw new AppError('invalid_request', `limit: a whole number from 1 to ${LIST_LIMIT_MAX}`);
      }
      return listToPage(await client.listTransactions(query));
    },

    async createPayout(request: PayoutRequest): Promise<PayoutState> {
      const body = toPayoutRequest(request);
      if (checkBalanceBeforePayout) {
        const wallets = walletsFromBalance(await client.walletBalance());
        const available = availableBalance(wallets, request.currency);
        if (available < request.amount) {
          throw new ProviderError(
            'provider_rejected',
            `the HankoPay wallet balance in ${request.currency} is ${toMajorString(available, request.currency)}, less than the payout of ${toMajorString(request.amount, request.currency)} ${request.currency}; nothing was sent`,
            HANKOPAY_PROVIDER_ID,
          );
        }
      }
      return payoutResponseToState(await client.createPayout(body), request.payoutId);
    },

    async walletBalances(): Promise<WalletBalance[]> {
      return walletsFromBalance(await client.walletBalance());
    },
  };
}
