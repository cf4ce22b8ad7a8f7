import type { APIRequestContext } from '@playwright/test';

/** Reads the order's payments through the merchant API, as the shop's backend would. */
export async function paymentsOfOrder(request: APIRequestContext, orderId: string) {
  const response = await request.get(`/api/payments?orderId=${encodeURIComponent(orderId)}`, {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
  });
  if (!response.ok()) throw new Error(`merchant API answered ${response.status()}`);
  const body = (await response.json()) as {
    data: {
      id: string;
      status: string;
      amount: string;
      currency: string;
      installments?: { count: number; totalAmount: string; totalAmountMinor: number };
      events: { type: string; toStatus?: string }[];
    }[];
  };
  return body.data;
}
