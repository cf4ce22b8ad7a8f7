/**
 * HPAY as a PaymentProvider: one hosted method. createPayment asks /payment/ for a
 * `checkout_url` and answers `pending` with a top-level `redirect` there; HPAY's notification
 * is a signal, and the status is read back from getPaymentHistory by transaction_id.
 *
 * Beyond the PaymentProvider interface, `createHpayProvider` returns `hpayOperations`: the
 * payment history (with the document's filters) and the collect balance, for the merchant API.
 * The lead unifies them with the interface's list and balance members.
 *
 * Choices where the document is silent or inconsistent:
 * - The purchase currency is the account's, which getToken returns (`balance.currency`). A
 *   session in another currency is refused with `invalid_request` before /payment/ is sent (only
 *   the cached, shared getToken may have been called to learn the currency; with the
 *   `accountCurrency` option not even that). listMethods offers the hosted method only in the
 *   account's currency. A /payment/ answer in another currency is refused (`provider_rejected`)
 *   rather than sending the shopper to pay it.
 * - Amounts: the request example sends 14900 (a number) and the answer says "100"; the history
 *   writes "7000.00" for XOF, which has no minor unit. Amounts are read as major units in either
 *   JSON type, and sent as a JSON number of major units (money.ts). `fees` is HPAY's, on top.
 * - /payment/ has no field for our reference. `product_name` is the session description (or
 *   "Order <paymentId>"), and `description` ends with "(ref <paymentId>)", which getPayment
 *   searches the history for when it has no transaction_id.
 * - notify_url = callbackUrl, success_url = returnUrls.success, cancel_url = returnUrls.fail.
 * - The notification's body is not documented: readCallback takes our payment id from the URL
 *   and a `transaction_id` (or `ref`) from the body or query where there is one, and returns it
 *   as a lookup only. PAID counts only when getPaymentHistory says so, for that exact
 *   transaction_id and in our mode (a TEST transaction never pays a PROD payment).
 * - A history row whose description names another payment than the one asked about is refused,
 *   so a forged notification cannot tie another order's transaction to ours.
 * - Nothing can be refunded, captured or canceled: the document has no such call. A shopper
 *   who cancels on HPAY's page leaves the transaction UNPAID, so it stays pending.
 * - After a /payment/ call whose answer was lost, the adapter does not create again: the error
 *   stays `outcome_unknown`, and getPayment can find the transaction later by reference.
 */
import { ProviderError } from '../../errors.js';
import type {
  CallbackInput,
  CreatePaymentRequest,
  PaymentLookup,
  PaymentMethod,
  PaymentProvider,
  ProviderTransactionPage,
  WalletBalance,
  ProviderCapabilities,
  ProviderPaymentState,
} from '../provider.js';
import { HpayClient, type HpayClientOptions } from './client.js';
import type { HpayHistoryEntry } from './hpay-types.js';
import {
  collectBalanceToBalance,
  HPAY_HOSTED_METHOD,
  HPAY_PROVIDER_ID,
  historyEntryToState,
  historyEntryToTransaction,
  hpayMethods,
  paymentCreatedToState,
  readNotification,
  referenceTag,
  toHistoryRequest,
  toPaymentRequest,
  type HpayBalance,
  type HpayHistoryFilters,
  type HpayTransaction,
} from './transformers.js';

export type { HpayClientOptions } from './client.js';
export type { HpayBalance, HpayHistoryFilters, HpayTransaction } from './transformers.js';

export interface HpayProviderOptions extends HpayClientOptions {
  /**
   * The account's currency, when known beforehand; otherwise it is read from getToken. A value
   * here that getToken contradicts is HPAY's word that loses: payments are checked against this.
   */
  accountCurrency?: string;
  /** How many history rows a look-up by our reference reads (newest first); 200 by default. */
  referenceSearchLimit?: number;
}

/** HPAY's merchant-side reads, beyond PaymentProvider. */
export interface HpayOperations {
  /** getPaymentHistory with its filters, rows normalized. */
  paymentHistory(filters?: HpayHistoryFilters): Promise<HpayTransaction[]>;
  /** getCollectBalance, normalized. */
  collectBalance(): Promise<HpayBalance>;
  /** The account's (purchase) currency, from the option or getToken. */
  accountCurrency(): Promise<string | undefined>;
}

export interface HpayProvider extends PaymentProvider {
  readonly hpayOperations: HpayOperations;
}

const CAPABILITIES: ProviderCapabilities = { refund: false, capture: false, cancel: false, installments: false };

export function createHpayProvider(options: HpayProviderOptions): HpayProvider {
  const client = new HpayClient(options);
  const configuredCurrency = options.accountCurrency?.trim().toUpperCase();
  const searchLimit = options.referenceSearchLimit ?? 200;

  async function accountCurrency(): Promise<string | undefined> {
    if (configuredCurrency) return configuredCurrency;
    return (await client.accessToken()).currency;
  }

  async function requireAccountCurrency(currency: string): Promise<void> {
    const account = await accountCurrency();
    if (!account) {
      throw new ProviderError('provider_unavailable', 'HPAY did not say which currency the account takes (getToken has no balance.currency)', HPAY_PROVIDER_ID);
    }
    if (account !== currency) {
      throw new ProviderError(
        'invalid_request',
        `currency: HPAY takes payments only in the account's currency, ${account}; this session is in ${currency}`,
        HPAY_PROVIDER_ID,
      );
    }
  }

  async function history(filters: HpayHistoryFilters): Promise<HpayHistoryEntry[]> {
    const response = await client.getPaymentHistory((token) => toHistoryRequest(filters, client.credentials, token));
    return response.history;
  }

  /** The row for a lookup: by transaction_id when known, else by our reference in the description. */
  async function findEntry(lookup: PaymentLookup): Promise<HpayHistoryEntry> {
    const tag = referenceTag(lookup.paymentId);
    let entry: HpayHistoryEntry | undefined;
    if (lookup.providerRef) {
      // The filter narrows, but only an exact transaction_id is trusted.
      entry = (await history({ transactionId: lookup.providerRef })).find((row) => row.transaction_id === lookup.providerRef);
      if (entry?.description && /\(ref [^)]+\)$/.test(entry.description) && !entry.description.endsWith(tag)) {
        throw new ProviderError('not_found', `HPAY transaction ${lookup.providerRef} belongs to another payment than ${lookup.paymentId}`, HPAY_PROVIDER_ID);
      }
    } else {
      entry = (await history({ limit: searchLimit })).find((row) => row.description?.endsWith(tag));
    }
    if (!entry) {
      const key = lookup.providerRef ? `transaction_id ${lookup.providerRef}` : `reference ${lookup.paymentId}`;
      throw new ProviderError('not_found', `HPAY's payment history has no transaction with ${key}`, HPAY_PROVIDER_ID, 404);
    }
    if (entry.mode && entry.mode.toUpperCase() !== client.mode) {
      throw new ProviderError('not_found', `HPAY transaction ${entry.transaction_id} is a ${entry.mode} transaction; this account runs in ${client.mode}`, HPAY_PROVIDER_ID);
    }
    return entry;
  }

  const hpayOperations: HpayOperations = {
    async paymentHistory(filters: HpayHistoryFilters = {}): Promise<HpayTransaction[]> {
      return (await history(filters)).map(historyEntryToTransaction);
    },
    async collectBalance(): Promise<HpayBalance> {
      return collectBalanceToBalance(await client.getCollectBalance());
    },
    accountCurrency,
  };

  return {
    id: HPAY_PROVIDER_ID,
    capabilities: CAPABILITIES,
    hpayOperations,

    /** getToken takes all three keys; the cached token answers without a call while it lives. */
    async checkCredentials(): Promise<void> {
      await client.accessToken();
    },

    /** The payment history, a page at a time (HPAY's fetch_limit is an offset and a count). */
    async listTransactions({ page, limit }): Promise<ProviderTransactionPage> {
      const transactions = await hpayOperations.paymentHistory({ offset: (page - 1) * limit, limit });
      return {
        page,
        limit,
        transactions: transactions.map(({ providerRef, status, providerStatus, amount, currency, createdAt }) => ({
          providerRef,
          status,
          providerStatus,
          amount,
          currency,
          ...(createdAt ? { createdAt } : {}),
        })),
      };
    },

    /** The collect balance: HPAY's main and profit balances, in the account's currency. */
    async walletBalances(): Promise<WalletBalance[]> {
      const balance = await hpayOperations.collectBalance();
      return [
        { walletId: 'main', currency: balance.currency, amount: balance.mainBalance },
        { walletId: 'profit', currency: balance.currency, amount: balance.profitBalance },
      ];
    },

    async listMethods({ currency }): Promise<PaymentMethod[]> {
      return (await accountCurrency()) === currency ? hpayMethods() : [];
    },

    async createPayment(request: CreatePaymentRequest): Promise<ProviderPaymentState> {
      if (request.methodCode !== HPAY_HOSTED_METHOD) {
        throw new ProviderError('invalid_request', `methodCode: HPAY has no method ${request.methodCode}`, HPAY_PROVIDER_ID);
      }
      if (request.captureMode === 'manual') {
        throw new ProviderError('invalid_request', 'captureMode: HPAY cannot pre-authorize', HPAY_PROVIDER_ID);
      }
      await requireAccountCurrency(request.currency);
      const response = await client.createPayment((token) => toPaymentRequest(request, client.credentials, token));
      const state = paymentCreatedToState(response);
      if (state.currency !== request.currency) {
        throw new ProviderError(
          'provider_rejected',
          `HPAY created transaction ${response.transaction_id} in ${state.currency}, not ${request.currency}; the shopper was not sent to pay it`,
          HPAY_PROVIDER_ID,
        );
      }
      return state;
    },

    async getPayment(lookup: PaymentLookup): Promise<ProviderPaymentState> {
      return historyEntryToState(await findEntry(lookup));
    },

    readCallback(input: CallbackInput): PaymentLookup | undefined {
      // The notification names HPAY's transaction at best; our payment id must come with the URL.
      if (!input.paymentId) return undefined;
      const transactionId = readNotification(input.body, input.query);
      return transactionId ? { paymentId: input.paymentId, providerRef: transactionId } : { paymentId: input.paymentId };
    },
  };
}
