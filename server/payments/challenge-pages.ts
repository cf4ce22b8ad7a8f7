import { randomBytes } from 'node:crypto';

/** How long a 3-D Secure page can be shown; issuers time challenges out well before. */
const CHALLENGE_TTL_MS = 15 * 60_000;

/**
 * The gateway's 3-D Secure markup, kept in memory only and only for the challenge's life: some
 * gateways put card data in hidden fields of that markup, so it never goes to the database.
 * (Several proxy instances will need sticky routing for these pages, or a shared cache.)
 */
export class ChallengePages {
  private readonly pages = new Map<string, { paymentId: string; html: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Keeps a page and returns its unguessable id. */
  add(paymentId: string, html: string): string {
    this.sweep();
    const id = `chl_${randomBytes(18).toString('base64url')}`;
    this.pages.set(id, { paymentId, html, expiresAt: this.now() + CHALLENGE_TTL_MS });
    return id;
  }

  get(id: string): { paymentId: string; html: string } | undefined {
    const page = this.pages.get(id);
    if (!page || page.expiresAt <= this.now()) return undefined;
    return { paymentId: page.paymentId, html: page.html };
  }

  /** Forgets every page of a payment: its challenge is over. */
  endChallenge(paymentId: string): void {
    for (const [id, page] of this.pages) if (page.paymentId === paymentId) this.pages.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, page] of this.pages) if (page.expiresAt <= now) this.pages.delete(id);
  }
}
