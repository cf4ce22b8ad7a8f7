/**
 * The Payment Hub simulator's records and how they are written on the wire: transactions with
 * their refund stages, the error log, shared payments. Amounts are kept in minor units of the
 * transaction's currency and written as the document's JSON numbers (major units).
 */
import { randomBytes } from 'node:crypto';
import { toMajorNumber } from '../../payments/money.js';
import type { SimVendor } from './simulator-catalog.js';

export interface SimGateway {
  ID: string;
  Code: string;
  Credential: Record<string, string> | null;
  vendor: SimVendor;
}

export interface SimRefund {
  number: number;
  sentAt: number;
  reason: string;
  amount: number;
  approvedAt?: number;
  vendorId: string;
  status: 'pending refund' | 'success refund' | 'failed refund';
  settleAt: number;
}

export interface SimTransaction {
  id: string;
  clientId: string;
  merchantRefCode: string;
  description: string;
  firstName: string;
  lastName: string;
  mobile: string;
  email: string;
  amount: number;
  serviceCharge: number;
  currency: string;
  /** The methods the create asked for; empty: every method of the vendor. */
  paymentMethods: string[];
  gateway: SimGateway;
  status: 'initial' | 'paid' | 'expired' | 'pending refund' | 'partial refund' | 'full refund';
  paymentFailReason: string;
  lang: string;
  sendEmail: boolean;
  enable3dSecure: boolean;
  paymentLinkType: string;
  webhookUrl: string;
  successUrl: string;
  failedUrl: string;
  cancelUrl: string;
  expiresAt: number;
  linkExpiresAt: number;
  createdAt: number;
  updatedAt?: number;
  vendorId: string;
  vendorPaymentId: string;
  vendorPaidAt?: number;
  vendorPaymentChannel: string;
  vendorPaymentMethod: string;
  refunds: SimRefund[];
  /** The shared payment this transaction was chosen on, if any. */
  sharedPaymentId?: string;
}

export interface SimLogEntry {
  id: string;
  serviceName: string;
  serviceEndpoint: string;
  actionName: string;
  httpCode: number;
  errorCode: string;
  errorMessage: string;
  requestPayload: string;
  responsePayload: string;
  merchantRefCode: string;
  transactionId: string;
  createdAt: number;
}

export interface SimSharedOption {
  label: string;
  paymentMethod: string;
  paymentVendor: string;
  currency: string;
}

export interface SimSharedPayment {
  id: string;
  options: SimSharedOption[];
  detail: Record<string, unknown>;
  merchantRefCode: string;
  /** Founding currency and amount (major units, as sent), and the amounts in other currencies. */
  foundingCurrency: string;
  value: number;
  rates: { currency: string; value: number }[];
  mcp: boolean;
  lang: string;
  webhookUrl: string;
  successUrl: string;
  failedUrl: string;
  cancelUrl: string;
  expiresInMinutes: number;
  expiresAt: number;
  createdAt: number;
  description: string;
  firstName: string;
  lastName: string;
  mobile: string;
  email: string;
}

/** A MongoDB-like ObjectId, as Payment Hub's IDs look: 24 hex digits. */
export function objectId(): string {
  return randomBytes(12).toString('hex');
}

export function isoOrNull(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : new Date(epochMs).toISOString();
}

export function refundedTotal(transaction: SimTransaction, statuses: readonly SimRefund['status'][]): number {
  return transaction.refunds.filter((refund) => statuses.includes(refund.status)).reduce((sum, refund) => sum + refund.amount, 0);
}

/** The transaction as GET /transactions/{merchant_ref_code} and fetch-multiple write it. */
export function transactionJson(t: SimTransaction): Record<string, unknown> {
  const major = (minor: number) => toMajorNumber(minor, t.currency);
  return {
    ID: t.id,
    ClientId: t.clientId,
    Description: t.description,
    FirstName: t.firstName,
    LastName: t.lastName,
    Amount: major(t.amount),
    ServiceCharge: major(t.serviceCharge),
    Mobile: t.mobile,
    Currency: t.currency,
    Email: t.email,
    PaymentMethod: t.paymentMethods.join(','),
    PaymentVendor: t.gateway.ID,
    Status: t.status,
    Total: major(t.amount + t.serviceCharge),
    MerchantRefCode: t.merchantRefCode,
    WebhookUrl: t.webhookUrl,
    PaymentFailReason: t.paymentFailReason,
    Lang: t.lang,
    ExpiredAt: isoOrNull(t.expiresAt),
    CreatedAt: isoOrNull(t.createdAt),
    UpdatedAt: isoOrNull(t.updatedAt),
    DeletedAt: null,
    VendorId: t.vendorId,
    VendorOrderId: '',
    VendorPaymentId: t.vendorPaymentId,
    VendorPaidAt: isoOrNull(t.vendorPaidAt),
    VendorPaymentChannel: t.vendorPaymentChannel,
    VendorPaymentMethod: t.vendorPaymentMethod,
    Refunds:
      t.refunds.length === 0
        ? null
        : t.refunds.map((refund) => ({
            Number: refund.number,
            SendDate: isoOrNull(refund.sentAt),
            Reason: refund.reason,
            Amount: major(refund.amount),
            ApprovedDate: isoOrNull(refund.approvedAt),
            VendorID: refund.vendorId,
            Status: refund.status,
          })),
  };
}

/** The cancel answer's shape: the record with the flat refund fields instead of `Refunds` (the document's example). */
export function canceledTransactionJson(t: SimTransaction): Record<string, unknown> {
  const { Refunds: _refunds, DeletedAt: _deleted, VendorOrderId: _order, ...record } = transactionJson(t);
  const last = t.refunds.at(-1);
  return {
    ...record,
    RefundVendorId: last?.vendorId ?? '',
    RefundSendDate: isoOrNull(last?.sentAt),
    RefundReason: last?.reason ?? '',
    RefundTotal: toMajorNumber(refundedTotal(t, ['success refund']), t.currency),
    RefundApprovedDate: isoOrNull(last?.approvedAt),
  };
}

export function logEntryJson(entry: SimLogEntry, clientId: string): Record<string, unknown> {
  return {
    ID: entry.id,
    ClientId: clientId,
    LogLevel: 'error',
    ServiceName: entry.serviceName,
    ServiceEndpoint: entry.serviceEndpoint,
    ActionName: entry.actionName,
    HttpCode: entry.httpCode,
    ErrorCode: entry.errorCode,
    ErrorMessage: entry.errorMessage,
    RequestPayload: entry.requestPayload,
    ResponsePayload: entry.responsePayload,
    Metadata: [
      { Key: 'transaction_id', Value: entry.transactionId },
      { Key: 'merchant_ref_code', Value: entry.merchantRefCode },
    ],
    CreatedAt: isoOrNull(entry.createdAt),
  };
}

export function sharedPaymentJson(shared: SimSharedPayment, clientId: string): Record<string, unknown> {
  return {
    ID: shared.id,
    ClientId: clientId,
    TransactionId: '000000000000000000000000',
    PaymentMethod: shared.options.map((option) => ({
      Label: option.label,
      PaymentMethod: option.paymentMethod,
      PaymentVendor: option.paymentVendor,
      Currency: option.currency,
    })),
    PaymentDetail: {
      MerchantRefCode: shared.merchantRefCode,
      SourceRequest: String(shared.detail.source_request ?? ''),
      ExternalID: String(shared.detail.external_id ?? ''),
      Description: shared.description,
      FirstName: shared.firstName,
      LastName: shared.lastName,
      Mobile: shared.mobile,
      Email: shared.email,
      PaymentMethod: '',
      PaymentVendor: '',
      GuestLocation: String(shared.detail.guest_location ?? ''),
      HotelLocation: String(shared.detail.hotel_location ?? ''),
      Amount: {
        MCP: shared.mcp,
        FoundingCurrency: shared.foundingCurrency,
        Value: shared.value,
        MCPRate: shared.rates.map((rate) => ({ Currency: rate.currency, Value: rate.value })),
      },
      Total: 0,
      Currency: '',
      Lang: shared.lang,
      ExpiredAt: isoOrNull(shared.expiresAt),
      WebhookURL: shared.webhookUrl,
      SuccessRedirectURL: shared.successUrl,
      FailedRedirectURL: shared.failedUrl,
      CancelRedirectURL: shared.cancelUrl,
      ExpiredInMinutes: shared.expiresInMinutes,
    },
    VendorPaymentLink: '',
    Token: '',
    AuthUrl: '',
    IsExpired: false,
    CreatedAt: isoOrNull(shared.createdAt),
    UpdatedAt: null,
  };
}
