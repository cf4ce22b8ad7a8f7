/**
 * MilkyPay's wire shapes (see ../shared/providers/milkypay.txt), as TypeScript types and as
 * tolerant zod schemas for what MilkyPay sends back.
 *
 * Tolerance, because the document is not consistent with itself:
 * - every object passes unknown keys through (`z.looseObject`);
 * - `resolution` is "OK" on the public API and "ok" on the private one: any string is accepted
 *   and compared case-insensitively by the transformers;
 * - `params` of `flow_data` / `active_payment.payload` is `[]` in every sample; it is read as an
 *   array of `{name, value}` or as an object map `name -> value`;
 * - the private look-up by `filter[reference_id]` is documented next to the by-id look-up with one
 *   sample of a single `data` object, while the list endpoint answers a `data` array: both parse;
 * - amounts are JSON numbers in the samples ("float format"); a decimal string is accepted too;
 * - most attributes are `null` in one sample and present in another, so they are nullable.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** A localized text: `{en: "...", ru: "...", uk: "..."}`; a plain string is accepted too. */
export const milkyPayLocalizedSchema = z.union([z.string(), z.record(z.string(), z.string().nullable())]);
export type MilkyPayLocalized = z.infer<typeof milkyPayLocalizedSchema>;

const amountSchema = z.union([z.number(), z.string()]);

/** One form parameter of `flow_data.params` when it is written as an array. */
export const milkyPayFormParamSchema = z.looseObject({
  name: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).nullable().optional(),
});

/** Where to send the shopper: an HTML form (`action`, `method`, hidden `params`). */
export const milkyPayFlowDataSchema = z.looseObject({
  action: z.string(),
  method: z.string().nullable().optional(),
  params: z
    .union([
      z.array(milkyPayFormParamSchema),
      z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).nullable()),
    ])
    .nullable()
    .optional(),
  metadata: z.unknown().optional(),
});
export type MilkyPayFlowData = z.infer<typeof milkyPayFlowDataSchema>;

// ---------------------------------------------------------------------------------------------
// Payment pre-request (PUBLIC, POST /public-api/payment-prerequest)

export interface MilkyPayPrerequestRequest {
  public_key: string;
  currency: string;
}

export const milkyPayServiceFieldSchema = z.looseObject({
  key: z.string(),
  type: z.string().nullable().optional(),
  label: milkyPayLocalizedSchema.nullable().optional(),
  example: z.union([z.string(), z.number()]).nullable().optional(),
  hint: milkyPayLocalizedSchema.nullable().optional(),
  regexp: z.string().nullable().optional(),
  required: z.boolean().nullable().optional(),
  position: z.number().nullable().optional(),
});
export type MilkyPayServiceField = z.infer<typeof milkyPayServiceFieldSchema>;

export const milkyPayServiceSchema = z.looseObject({
  code: z.string(),
  method: z.string(),
  flow: z.string().nullable().optional(),
  currency: z.string().nullable().optional(),
  fields: z.array(milkyPayServiceFieldSchema).nullable().optional(),
  amount_min: amountSchema.nullable().optional(),
  amount_max: amountSchema.nullable().optional(),
});
export type MilkyPayService = z.infer<typeof milkyPayServiceSchema>;

export const milkyPayMethodSchema = z.looseObject({
  code: z.string(),
  category: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  name: milkyPayLocalizedSchema.nullable().optional(),
  logo: z.string().nullable().optional(),
  icon: z.string().nullable().optional(),
  metadata: z.unknown().optional(),
  position: z.number().nullable().optional(),
  hide: z.boolean().nullable().optional(),
});
export type MilkyPayMethod = z.infer<typeof milkyPayMethodSchema>;

export const milkyPayPrerequestResponseSchema = z.looseObject({
  data: z.looseObject({
    currency: z.string().nullable().optional(),
    test_mode: z.boolean().nullable().optional(),
    // Object maps keyed by code in the document; an array of the same objects is read too.
    services: z.union([z.record(z.string(), milkyPayServiceSchema), z.array(milkyPayServiceSchema)]),
    methods: z.union([z.record(z.string(), milkyPayMethodSchema), z.array(milkyPayMethodSchema)]),
    account: z.unknown().optional(),
  }),
});
export type MilkyPayPrerequestResponse = z.infer<typeof milkyPayPrerequestResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Payment services (PRIVATE, GET /api/payment-services[/{id}])

export interface MilkyPayPaymentServiceResource {
  type: 'payment-services';
  id: string;
  attributes: {
    service: string;
    service_method: string;
    service_currency: string;
    available: boolean;
    active: boolean;
    enabled: boolean;
    amount_min: number;
    amount_max: number;
    fee_min: number;
    fee_max: number;
    fee_rate: number;
    fee_fix: number;
    reserve_lifetime: number;
    reserve_rate: number;
    currency: string;
    test_mode: boolean;
  };
  relationships: {
    'payment-method': { data: { type: 'payment-methods'; id: string } };
    'payment-service': { data: { type: 'payment-services'; id: string } };
  };
  links: { self: string };
}

export interface MilkyPayPaymentServiceList {
  meta: { total: number; pages: number; page: number };
  links: { first: string; next?: string; prev?: string; last: string };
  data: MilkyPayPaymentServiceResource[];
}

// ---------------------------------------------------------------------------------------------
// Invoice requests

export interface MilkyPayCustomer {
  /** Required by the document whenever `customer` is sent. */
  reference_id: string;
  name?: string;
  email?: string;
  phone?: string;
  address?: {
    country?: string;
    region?: string;
    city?: string;
    street?: string;
    full_address?: string;
    post_code?: string;
  };
}

/** PUBLIC, POST /public-api/payment-invoices: the documented JSON fields and nothing else. */
export interface MilkyPayPublicInvoiceRequest {
  public_key: string;
  reference_id: string;
  service: string;
  currency: string;
  /** Major units, "in the float format" (a JSON number). */
  amount: number;
  description?: string;
}

/** PRIVATE, POST /api/payment-invoices: a JSON:API document. */
export interface MilkyPayPrivateInvoiceRequest {
  data: {
    type: 'payment-invoices';
    attributes: {
      reference_id: string;
      amount: number;
      currency: string;
      service: string;
      flow: 'charge' | 'verify';
      test_mode?: boolean;
      description?: string;
      customer?: MilkyPayCustomer;
      service_fields?: Record<string, string>;
      metadata?: Record<string, unknown>;
      return_url?: string;
      return_urls?: { success: string; fail: string; pending: string };
      callback_url?: string;
      gateway_options?: Record<string, unknown>;
      /** ISO 8601 date-time, 14 minutes to 2 days after creation. */
      expires?: string;
    };
  };
}

// ---------------------------------------------------------------------------------------------
// Invoices as MilkyPay answers them

/** The words this document uses for an invoice's `status`. Anything else is read as still open. */
export const MILKYPAY_INVOICE_STATUSES = ['process_pending', 'processed', 'process_failed'] as const;
export type MilkyPayInvoiceStatus = (typeof MILKYPAY_INVOICE_STATUSES)[number];

const invoiceCommon = {
  serial_number: z.string().nullable().optional(),
  status: z.string(),
  resolution: z.string().nullable().optional(),
  reference_id: z.string().nullable().optional(),
  currency: z.string(),
  amount: amountSchema,
  payment_amount: amountSchema.nullable().optional(),
  processed_amount: amountSchema.nullable().optional(),
  refunded_amount: amountSchema.nullable().optional(),
  description: z.string().nullable().optional(),
  test_mode: z.boolean().nullable().optional(),
  created: z.number().nullable().optional(),
  metadata: z.unknown().optional(),
  hpp_url: z.string().nullable().optional(),
};

/** The public API's invoice: flat `data`, with `active_payment.payload` as the form. */
export const milkyPayInvoiceSchema = z.looseObject({
  data: z.looseObject({
    id: z.string(),
    ...invoiceCommon,
    has_return_url: z.boolean().nullable().optional(),
    service: z.string().nullable().optional(),
    service_method: z.string().nullable().optional(),
    service_flow: z.string().nullable().optional(),
    service_currency: z.string().nullable().optional(),
    active_payment: z
      .looseObject({
        payload: milkyPayFlowDataSchema.nullable().optional(),
        status: z.string().nullable().optional(),
        resolution: z.string().nullable().optional(),
      })
      .nullable()
      .optional(),
  }),
});
export type MilkyPayInvoice = z.infer<typeof milkyPayInvoiceSchema>;

/** One invoice resource of the private API (JSON:API). */
export const milkyPayPrivateInvoiceResourceSchema = z.looseObject({
  type: z.string(),
  id: z.string(),
  attributes: z.looseObject({
    ...invoiceCommon,
    service_currency: z.string().nullable().optional(),
    flow_data: milkyPayFlowDataSchema.nullable().optional(),
    flow: z.string().nullable().optional(),
    payment_flow: z.string().nullable().optional(),
    updated: z.number().nullable().optional(),
    processed: z.number().nullable().optional(),
    payload: z.unknown().optional(),
    callback_url: z.string().nullable().optional(),
    return_url: z.string().nullable().optional(),
    callback_logs: z.unknown().optional(),
  }),
  relationships: z.unknown().optional(),
  links: z.unknown().optional(),
});
export type MilkyPayPrivateInvoiceResource = z.infer<typeof milkyPayPrivateInvoiceResourceSchema>;

/** The private API's invoice: `data: {type, id, attributes}`. */
export const milkyPayPrivateInvoiceSchema = z.looseObject({
  data: milkyPayPrivateInvoiceResourceSchema,
});
export type MilkyPayPrivateInvoice = z.infer<typeof milkyPayPrivateInvoiceSchema>;

/** Either shape; a 409 on create carries "the previously created transaction" in one of them. */
export const milkyPayAnyInvoiceSchema = z.union([milkyPayPrivateInvoiceSchema, milkyPayInvoiceSchema]);
export type MilkyPayAnyInvoice = MilkyPayInvoice | MilkyPayPrivateInvoice;

/** GET /api/payment-invoices[?filter[reference_id]=...]: a `data` array, or a single `data` object. */
export const milkyPayInvoiceListSchema = z.looseObject({
  meta: z.unknown().optional(),
  links: z.unknown().optional(),
  data: z.union([z.array(milkyPayPrivateInvoiceResourceSchema), milkyPayPrivateInvoiceResourceSchema]),
});
export type MilkyPayInvoiceList = z.infer<typeof milkyPayInvoiceListSchema>;

// ---------------------------------------------------------------------------------------------
// Errors: the document shows three shapes.

/** `{"errors": [{"status": "Unauthorized", "code": "401"}]}`, optionally with `title` and `detail`. */
export const milkyPayErrorItemSchema = z.looseObject({
  status: z.union([z.string(), z.number()]).nullable().optional(),
  code: z.union([z.string(), z.number()]).nullable().optional(),
  title: z.string().nullable().optional(),
  detail: z.string().nullable().optional(),
});
export type MilkyPayErrorItem = z.infer<typeof milkyPayErrorItemSchema>;

/** `{"errors": [...]}` (list) or `{"errors": {"amount": "This value should be greater than 0."}}` (field map). */
export const milkyPayErrorBodySchema = z.looseObject({
  errors: z.union([
    z.array(milkyPayErrorItemSchema),
    z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  ]),
});
export type MilkyPayErrorBody = z.infer<typeof milkyPayErrorBodySchema>;
