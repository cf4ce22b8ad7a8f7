import type { InstallmentOptionView, InstallmentsRequest, InstallmentsResponse } from '../../server/api/widget-api.js';
import type { CardMethod, InstallmentsState } from './protocol.js';

/** The pause after the last keystroke before asking, so typing a number costs one request. */
export const INSTALLMENTS_DEBOUNCE_MS = 300;

export type AskInstallments = (request: InstallmentsRequest, signal: AbortSignal) => Promise<InstallmentsResponse>;

/**
 * Asks the proxy for the installment plans of the card being typed, in the frame: after a pause
 * in typing, with the number's first eight digits only, once per method and BIN. A different
 * card (or none) is back to `initial`. Each change of state goes to `onChange`.
 */
export class InstallmentsLookup {
  state: InstallmentsState = { status: 'initial' };

  private readonly ask: AskInstallments;
  private readonly onChange: (state: InstallmentsState) => void;
  private method: CardMethod | undefined;
  /** The method and BIN the state belongs to; undefined when there is none to ask about. */
  private current: string | undefined;
  /** Plans already answered, by method and BIN, so going back to a prefix does not ask again. */
  private readonly answered = new Map<string, readonly InstallmentOptionView[]>();
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private asking: AbortController | undefined;

  constructor(ask: AskInstallments, onChange: (state: InstallmentsState) => void) {
    this.ask = ask;
    this.onChange = onChange;
  }

  /** The card method chosen in the element; a different one asks again for the same card. */
  setMethod(method: CardMethod, bin: string | undefined): void {
    const changed = method.id !== this.method?.id || method.installments !== this.method.installments;
    this.method = method;
    if (changed) this.update(bin, true);
  }

  /** The card's first eight digits, or undefined while there are fewer. */
  update(bin: string | undefined, force = false): void {
    const method = this.method;
    const key = method?.installments && bin ? `${method.id} ${bin}` : undefined;
    if (key === this.current && !force) return;
    this.current = key;
    clearTimeout(this.debounce);
    this.asking?.abort();
    this.asking = undefined;
    if (!method || !bin || !key) return this.set({ status: 'initial' });
    const known = this.answered.get(key);
    if (known) return this.set({ status: 'complete', options: known });
    this.set({ status: 'initial' });
    this.debounce = setTimeout(() => void this.lookUp(method.id, bin, key), INSTALLMENTS_DEBOUNCE_MS);
  }

  private async lookUp(methodId: string, bin: string, key: string): Promise<void> {
    const asking = (this.asking = new AbortController());
    this.set({ status: 'pending' });
    try {
      const { options } = await this.ask({ methodId, bin }, asking.signal);
      if (asking.signal.aborted) return;
      const offered = options.filter((option) => Number.isInteger(option.count) && option.count > 1);
      this.answered.set(key, offered);
      this.set({ status: 'complete', options: offered });
    } catch {
      if (asking.signal.aborted) return;
      // Installments are a nicety: without an answer the shopper simply pays in one go.
      this.set({ status: 'error' });
    }
    this.asking = undefined;
  }

  private set(state: InstallmentsState): void {
    if (state.status === this.state.status && state.status !== 'complete') return;
    this.state = state;
    this.onChange(state);
  }
}
