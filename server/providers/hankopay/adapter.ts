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
 * - getPayment takes the status words from the documented status endpoint only. The details
 *   endpoint ("the current stored record", no shape given) is asked beside it for amount,
 *   currency, order id, refunds and the paymentLink, and read tolerantly: bare or wrapped in
 *   `data` / `transaction`, the id as `_id`, `id` or `transactionId`, fields of unexpected types
 *   dropped; when it fails or lacks them, the lookup goes on without it. A record (status, details
 *   or list) whose orderId is not our payment id is refused (`not_found`), so a callback cannot
 *   tie another order to ours.
 * - Amount and currency are checked before a payment counts as paid (the document: "Verify
 *   amount, currency, and order reference before marking the payment complete"): for a paid
 *   status they come from the details record, else from the documented list (`fromAmount`,
 *   `currency`), searched like a lost create. Without them a `success` stays `pending`, logged,
 *   until a later lookup can check them; the service holds a differing amount for review.
 * - A create answered `success` is confirmed by a lookup before it counts ("Only finalize the
 *   order after callback confirmation or a successful status lookup"); if that lookup fails the
 *   payment is `pending` and the callback or the reconciler settles it.
 * - A `pending` lookup whose record still shows the paymentLink stays `requires_action` with that
 *   link; without a link it is `pending`.
 * - A payment without providerRef (the create's answer was lost) is looked for in the list by
 *   orderId, newest pages first, up to `lookupPages` pages (the document does not give the list's
 *   order: page 1's `createdAt`s tell, and an oldest-first list is read from its end); not found is
 *   `not_found`, which the service reads as "never created".
 * - Refunds: the document answers one with its own `refundTransactionId` and `"status":
 *   "pending"`, and never says the original changes. So each refund is kept (`refundStore`: the
 *   proxy's store in setup), written as pending with its amount BEFORE it is sent, its id added
 *   from the answer; a refusal answered by HankoPay marks it failed. A lookup asks each pending
 *   refund's own status endpoint: `pending` keeps the payment `refund_pending` (never `succeeded`
 *   while a refund without a confirmed outcome is kept); `success` makes it partially_refunded /
 *   refunded with the refunds' total; `failed` forgets the refund and reports what the original
 *   says. The other reading is accepted too: an original whose record shows the refund (status
 *   refunded, partially_refunded with no earlier refund, or a `refundedAmount` covering it) settles
 *   it, and a record's larger `refundedAmount` wins. A refund without an id (its answer was lost,
 *   or named none) is settled by that record, or by a list record whose `referenceTransactionId`
 *   is the original's and whose `fromAmount` or `amount` is the refund's (the list documents no
 *   refund records, so nothing more is asked of one; its id is learnt, its status word read, else
 *   its own status asked); until then it stays pending, a warning says an operator may need to
 *   check, and a new refund is refused. A refund answered or looked up `failed`, or refused,
 *   raises the error. A refund asked before these records were kept is known only from the
 *   original's record.
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
import { readProviderAmount, toMajorString } from '../../payments/money.js';
import { beforeSending } from '../before-sending.js';
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
import { recordIdOf, type HankoPayRefundResponse, type HankoPayTransactionRecord } from './hankopay-types.js';
import { memoryHankoPayRefunds, type HankoPayKnownRefund, type HankoPayRefundLedger, type HankoPayRefundStore } from './refund-store.js';
import {
  availableBalance,
  HANKOPAY_CARD_METHOD,
  HANKOPAY_PAID_STATUSES,
  HANKOPAY_PROVIDER_ID,
  hankoPayMethods,
  listToPage,
  lookupToState,
  mapHankoPayStatus,
  payoutResponseToState,
  readHankoPayCallback,
  readRefundStatus,
  scrubHankoPayPayload,
  toPayoutRequest,
  toRefundRequest,
  toTransactionRequest,
  transactionCreatedToState,
  walletsFromBalance,
  withKnownRefunds,
  type PaymentLinkAction,
} from './transformers.js';

export interface HankoPayProviderOptions extends HankoPayClientOptions {
  /** How a paymentLink is shown: `redirect` (default) or `iframe`. */
  paymentLinkAction?: PaymentLinkAction;
  /** Check the wallet balance before a payout and refuse a short one without sending it. Default true. */
  checkBalanceBeforePayout?: boolean;
  /** How many list pages to search for a payment whose transaction id was never learnt. Default 5. */
  lookupPages?: number;
  /** Where the refunds asked for are kept; the proxy's store in setup. Default: this process's memory. */
  refundStore?: HankoPayRefundStore;
  /** Where a lookup that could not be completed is explained (the proxy's logger in setup). */
  logger?: { warn(details: object, message: string): void };
}

const CAPABILITIES: ProviderCapabilities = { refund: true, capture: false, cancel: false, installments: false };
const LIST_LIMIT_MAX = 100;

type RefundOutcome = HankoPayKnownRefund['status'];

/** The original transaction as HankoPay reports it, before the refunds we know of are applied. */
interface OriginalLookup {
  transactionId: string;
  state: ProviderPaymentState;
  /** The details endpoint's record as it answered; undefined when it could not be read. */
  record: HankoPayTransactionRecord | undefined;
}

/** Whether a page of the list runs from older to newer records, by their `createdAt`; unknown reads as newest first. */
function startsWithOldest(records: readonly HankoPayTransactionRecord[]): boolean {
  const first = Date.parse(records[0]?.createdAt ?? '');
  const last = Date.parse(records.at(-1)?.createdAt ?? '');
  return first < last;
}

function hasAmount(record: HankoPayTransactionRecord | undefined): boolean {
  return Boolean(record?.currency) && (record?.fromAmount ?? record?.amount) != null;
}

/** `read`'s answer, or undefined when HankoPay could not give it (told to `onFailure`); any other error is ours and is thrown. */
async function unlessHankoPayFails<T>(read: () => Promise<T>, onFailure?: (error: ProviderError) => void): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    onFailure?.(error);
    return undefined;
  }
}

export function createHankoPayProvider(options: HankoPayProviderOptions): PaymentProvider {
  const client = new HankoPayClient(options);
  const paymentLinkAction = options.paymentLinkAction ?? 'redirect';
  const checkBalanceBeforePayout = options.checkBalanceBeforePayout ?? true;
  const lookupPages = options.lookupPages ?? 5;
  const refunds = options.refundStore ?? memoryHankoPayRefunds();
  const logger = options.logger;

  /**
   * The first record of the list that `matches`, the newest pages first, up to `lookupPages` pages.
   * The document does not say in which order the list comes, so page 1's `createdAt`s tell: a list
   * that starts with its oldest record is read from its last page back.
   */
  async function findInList(matches: (record: HankoPayTransactionRecord) => boolean): Promise<HankoPayTransactionRecord | undefined> {
    const first = await client.listTransactions({ page: 1, limit: LIST_LIMIT_MAX });
    const found = first.data.find(matches);
    if (found) return found;
    const pages = first.pagination.pages;
    const oldestFirst = startsWithOldest(first.data);
    for (let read = 1; read < Math.min(lookupPages, pages); read++) {
      const page = oldestFirst ? pages - read + 1 : read + 1;
      const list = await client.listTransactions({ page, limit: LIST_LIMIT_MAX });
      const match = list.data.find(matches);
      if (match) return match;
    }
    return undefined;
  }

  /** The transaction id: the one we hold, else the list's record with our orderId. */
  async function transactionIdOf(lookup: PaymentLookup): Promise<string> {
    if (lookup.providerRef) return lookup.providerRef;
    const id = recordIdOf(await findInList((record) => record.orderId === lookup.paymentId));
    if (id) return id;
    throw new ProviderError('not_found', `HankoPay has no transaction with orderId ${lookup.paymentId}`, HANKOPAY_PROVIDER_ID, 404);
  }

  function refuseOtherOrder(transactionId: string, paymentId: string, orderId: string | null | undefined): void {
    if (orderId && orderId !== paymentId) {
      throw new ProviderError('not_found', `HankoPay transaction ${transactionId} belongs to orderId ${orderId}, not ${paymentId}`, HANKOPAY_PROVIDER_ID);
    }
  }

  /** The details endpoint's record, or undefined when it fails: its shape is undocumented. */
  function readDetails(transactionId: string): Promise<HankoPayTransactionRecord | undefined> {
    return unlessHankoPayFails(
      () => client.getTransaction(transactionId),
      (error) => logger?.warn({ provider: HANKOPAY_PROVIDER_ID, transactionId, code: error.code }, `HankoPay transaction details not read: ${error.message}`),
    );
  }

  /** The list's record of the transaction (documented: fromAmount, currency), or undefined. */
  function readListed(transactionId: string, paymentId: string): Promise<HankoPayTransactionRecord | undefined> {
    return unlessHankoPayFails(
      // A refund's own record may carry the order id too: it is never the payment's amount.
      () => findInList((record) => recordIdOf(record) === transactionId || (record.orderId === paymentId && !record.referenceTransactionId)),
      (error) => logger?.warn({ provider: HANKOPAY_PROVIDER_ID, transactionId, code: error.code }, `HankoPay transaction list not read: ${error.message}`),
    );
  }

  async function lookUpOriginal(lookup: PaymentLookup): Promise<OriginalLookup> {
    const transactionId = await transactionIdOf(lookup);
    const [status, details] = await Promise.all([client.getStatus(transactionId), readDetails(transactionId)]);
    refuseOtherOrder(transactionId, lookup.paymentId, status.orderId);
    refuseOtherOrder(transactionId, lookup.paymentId, details?.orderId);
    let record = details;
    // The amount and currency are checked before a payment is called paid (document: "Verify
    // amount, currency, and order reference"); the list documents both where the details do not.
    if (!hasAmount(details) && HANKOPAY_PAID_STATUSES.has(mapHankoPayStatus(status.status).status)) {
      const listed = await readListed(transactionId, lookup.paymentId);
      refuseOtherOrder(transactionId, lookup.paymentId, listed?.orderId);
      if (hasAmount(listed)) record = { ...details, fromAmount: listed!.fromAmount ?? listed!.amount, amount: null, currency: listed!.currency };
    }
    const state = lookupToState({ ...status, transactionId: status.transactionId ?? transactionId }, record, { paymentLinkAction });
    return { transactionId, state, record: details };
  }

  /**
   * The list's record of a refund whose answer never named it: one that refers to the original
   * (`referenceTransactionId`) for the same amount (`fromAmount` or `amount`) and is not a refund
   * we already know. The list documents no refund records, so nothing more is asked of them.
   */
  async function findListedRefund(ledger: HankoPayRefundLedger, refund: HankoPayKnownRefund): Promise<HankoPayTransactionRecord | undefined> {
    // Another refund of ours without an id and of the same amount could be the one listed: the list cannot tell them apart.
    if (ledger.refunds.some((other) => other !== refund && !other.id && other.status !== 'failed' && other.amount === refund.amount)) return undefined;
    const known = new Set(ledger.refunds.map((other) => other.id).filter((id) => id !== undefined));
    const sameAmount = (record: HankoPayTransactionRecord, value: number | string | null | undefined) =>
      readProviderAmount(value, record.currency ?? ledger.currency) === refund.amount;
    return unlessHankoPayFails(() =>
      findInList((record) => {
        const id = recordIdOf(record);
        return (
          record.referenceTransactionId === ledger.transactionId &&
          !(id !== undefined && known.has(id)) &&
          (sameAmount(record, record.fromAmount) || sameAmount(record, record.amount))
        );
      }),
    );
  }

  /**
   * What became of a refund we asked for: its own status lookup (the document's
   * refundTransactionId), else the original's record showing it (another reading the document
   * allows). A refund whose answer was lost has no id: the original's record or the list's record
   * of it can tell, and its id is learnt from the list. `settledBefore`: the refunds of this
   * payment settled before this one.
   */
  async function refundOutcome(
    ledger: HankoPayRefundLedger,
    refund: HankoPayKnownRefund,
    original: ProviderPaymentState,
    settledBefore: number,
  ): Promise<{ status: RefundOutcome; id?: string }> {
    const shownByOriginal =
      original.status === 'refunded' ||
      (original.refundedAmount !== undefined && original.refundedAmount >= settledBefore + refund.amount) ||
      (original.status === 'partially_refunded' && original.refundedAmount === undefined && settledBefore === 0);
    if (refund.id) {
      const own = await ownRefundStatus(refund.id);
      return { status: own !== 'pending' ? own : shownByOriginal ? 'success' : 'pending' };
    }
    if (shownByOriginal) return { status: 'success' };
    const listed = await findListedRefund(ledger, refund);
    if (!listed) return { status: 'pending' };
    const id = recordIdOf(listed);
    if (!id) return { status: readRefundStatus(listed.status) };
    // The list's word first; a pending one is asked of the refund's own status, as any known refund is.
    const listedStatus = readRefundStatus(listed.status);
    return { status: listedStatus !== 'pending' ? listedStatus : await ownRefundStatus(id), id };
  }

  /** A refund's own status lookup; pending while it cannot be read. */
  async function ownRefundStatus(id: string): Promise<RefundOutcome> {
    return (await unlessHankoPayFails(async () => readRefundStatus((await client.getStatus(id)).status))) ?? 'pending';
  }

  /** Asks after every pending refund of the payment and keeps what settled; answers the refunds as kept now. */
  async function settleRefunds(paymentId: string, original: OriginalLookup): Promise<HankoPayKnownRefund[]> {
    const ledger = await refunds.load(paymentId);
    if (!ledger || ledger.transactionId !== original.transactionId) return [];
    const outcomes = new Map<number, { status: RefundOutcome; id?: string }>();
    let settled = ledger.refunds.filter((refund) => refund.status === 'success').reduce((sum, refund) => sum + refund.amount, 0);
    for (const [index, refund] of ledger.refunds.entries()) {
      if (refund.status !== 'pending') continue;
      const outcome = await refundOutcome(ledger, refund, original.state, settled);
      if (outcome.status === 'pending' && !outcome.id) continue;
      outcomes.set(index, outcome);
      if (outcome.status === 'success') settled += refund.amount;
    }
    if (outcomes.size === 0) return ledger.refunds;
    // Read again under the lock: another lookup or a refund's answer may have written since (refunds only append).
    return refunds.lock(paymentId, async () => {
      const current = (await refunds.load(paymentId)) ?? ledger;
      const next = current.refunds.map((refund, index) => {
        const outcome = outcomes.get(index);
        if (!outcome || refund.status !== 'pending' || refund.id !== ledger.refunds[index]?.id) return refund;
        return { ...refund, ...(outcome.id ? { id: outcome.id } : {}), status: outcome.status };
      });
      await refunds.save(paymentId, { ...current, refunds: next });
      return next;
    });
  }

  /** A paid state without HankoPay's amount and currency stays pending: the check comes first. */
  function withCheckedAmount(lookup: PaymentLookup, transactionId: string, state: ProviderPaymentState): ProviderPaymentState {
    if (!HANKOPAY_PAID_STATUSES.has(state.status) || (state.amount !== undefined && state.currency !== undefined)) return state;
    logger?.warn(
      { provider: HANKOPAY_PROVIDER_ID, paymentId: lookup.paymentId, transactionId, providerStatus: state.providerStatus },
      'HankoPay reports the payment paid, but neither the transaction details nor the transaction list gave its amount and currency; it stays pending until they can be checked',
    );
    return { status: 'pending', providerRef: transactionId, providerStatus: `${state.providerStatus ?? '-'}; amount and currency not confirmed` };
  }

  async function lookUp(lookup: PaymentLookup): Promise<{ state: ProviderPaymentState; record: HankoPayTransactionRecord | undefined }> {
    const original = await lookUpOriginal(lookup);
    const state = withKnownRefunds(original.state, await settleRefunds(lookup.paymentId, original));
    return { state: withCheckedAmount(lookup, original.transactionId, state), record: original.record };
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
      const created = transactionCreatedToState(response, { ...(request.card ? { card: request.card } : {}), paymentLinkAction });
      if (created.status !== 'succeeded') return created;
      // "Only finalize the order after callback confirmation or a successful status lookup."
      const card = created.card ? { card: created.card } : {};
      try {
        return { ...(await lookUp({ paymentId: request.paymentId, providerRef: response.transactionId })).state, ...card };
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        logger?.warn({ provider: HANKOPAY_PROVIDER_ID, paymentId: request.paymentId, code: error.code }, `HankoPay created the payment as success; its lookup failed, so it waits: ${error.message}`);
        return { status: 'pending', providerRef: response.transactionId, providerStatus: `${created.providerStatus ?? '-'}; not confirmed yet`, ...card };
      }
    },

    async getPayment(lookup: PaymentLookup): Promise<ProviderPaymentState> {
      return (await lookUp(lookup)).state;
    },

    async paymentDetails(lookup: PaymentLookup): Promise<ProviderPaymentDetails> {
      const { state, record } = await lookUp(lookup);
      return { state, record: scrubHankoPayPayload(record ?? null) };
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
      // Any failure before the refund is sent (its transaction, the refunds kept, the entry written ahead) means it was not sent.
      const { transactionId, index } = await beforeSending(async () => {
        const transactionId = await transactionIdOf(lookup);
        if ((await refunds.load(lookup.paymentId))?.refunds.some((refund) => refund.status === 'pending')) {
          // A refund we asked for may have settled since: ask before refusing.
          await unlessHankoPayFails(() => lookUp({ ...lookup, providerRef: transactionId }));
        }
        // Written before the refund is sent: if its answer is lost, no lookup may report the payment unrefunded.
        const index = await refunds.lock(lookup.paymentId, async () => {
          const kept = await refunds.load(lookup.paymentId);
          const ledger = kept?.transactionId === transactionId ? kept : { transactionId, currency, refunds: [] };
          const pending = ledger.refunds.filter((refund) => refund.status === 'pending');
          if (pending.length > 0) {
            throw new AppError('conflict', `a refund of this payment is still pending at HankoPay (${pending.map((refund) => refund.id ?? 'id not known').join(', ')}); a new one can be asked once it has settled`);
          }
          await refunds.save(lookup.paymentId, { ...ledger, refunds: [...ledger.refunds, { amount, status: 'pending' }] });
          return ledger.refunds.length;
        });
        return { transactionId, index };
      }, HANKOPAY_PROVIDER_ID, 'the refund was not sent to HankoPay: its refunds could not be read or recorded first');
      /** Changes the refund written ahead, unless a lookup has settled it meanwhile. */
      const update = (change: (refund: HankoPayKnownRefund) => HankoPayKnownRefund) =>
        refunds.lock(lookup.paymentId, async () => {
          const ledger = await refunds.load(lookup.paymentId);
          const refund = ledger?.transactionId === transactionId ? ledger.refunds[index] : undefined;
          if (!ledger || !refund || refund.status !== 'pending') return;
          await refunds.save(lookup.paymentId, { ...ledger, refunds: ledger.refunds.with(index, change(refund)) });
        });
      const unknownOutcome = (message: string) =>
        logger?.warn(
          { provider: HANKOPAY_PROVIDER_ID, paymentId: lookup.paymentId, transactionId, amount },
          `HankoPay refund outcome unknown (${message}); it counts as pending until the transaction's record or the transaction list shows it, and an operator may need to check it at HankoPay`,
        );
      let response: HankoPayRefundResponse;
      try {
        response = await client.refund(transactionId, toRefundRequest(amount, currency, reason));
      } catch (error) {
        // Answered with a refusal: nothing was refunded, so the refund written ahead blocks nothing.
        if (error instanceof ProviderError && error.code !== 'outcome_unknown') await update((refund) => ({ ...refund, status: 'failed' }));
        else unknownOutcome(error instanceof Error ? error.message : String(error));
        throw error;
      }
      const refundStatus = readRefundStatus(response.status);
      const words = `refund ${response.status ?? '-'}${response.refundTransactionId ? ` ${response.refundTransactionId}` : ''}`;
      const declined = () =>
        new ProviderError('provider_rejected', `HankoPay did not refund ${toMajorString(amount, currency)} ${currency} (${words})`, HANKOPAY_PROVIDER_ID, 200, scrubHankoPayPayload(response));
      try {
        await update((refund) => ({ ...refund, ...(response.refundTransactionId ? { id: response.refundTransactionId } : {}), status: refundStatus }));
      } catch (error) {
        // HankoPay has the refund and the entry written ahead stays pending without its id: the
        // payment must wait as refund_pending, never read as unrefunded.
        const message = `HankoPay answered the refund (${words}) but it could not be recorded: ${error instanceof Error ? error.message : String(error)}`;
        unknownOutcome(message);
        throw new ProviderError('outcome_unknown', message, HANKOPAY_PROVIDER_ID);
      }
      if (refundStatus === 'failed') throw declined();
      // The refund was accepted: a lookup that fails now, in whatever way, leaves it pending, to be
      // read later. Reported as an error, it would read as a refusal and a retry could refund again.
      let state: ProviderPaymentState | undefined;
      let settledAsFailed = false;
      try {
        state = (await unlessHankoPayFails(() => lookUp({ ...lookup, providerRef: transactionId })))?.state;
        settledAsFailed = (await refunds.load(lookup.paymentId))?.refunds[index]?.status === 'failed';
      } catch (error) {
        logger?.warn({ provider: HANKOPAY_PROVIDER_ID, paymentId: lookup.paymentId, transactionId }, `HankoPay transaction not read after the refund, which counts as pending: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (settledAsFailed) throw declined();
      if (state?.status === 'refund_pending') return state;
      if (state?.status === 'partially_refunded' || state?.status === 'refunded') return { ...state, providerStatus: `${state.providerStatus ?? '-'}; ${words}` };
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
