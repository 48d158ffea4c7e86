import { invalidParameter, missingParameter } from './vendorError.js';

/** Reading an action's parameters the way the vendor's gateway checks them: all come as strings. */
export class VendorParams {
  constructor(private readonly params: Record<string, string>) {}

  /** A string parameter; `Missing<Name>` when required and absent, `InvalidParameters` when too long. */
  text(name: string, options: { required: true; max?: number }): string;
  text(name: string, options?: { required?: false; max?: number }): string | undefined;
  text(name: string, options: { required?: boolean; max?: number } = {}): string | undefined {
    const value = this.params[name];
    if (value === undefined || value === '') {
      if (options.required) throw missingParameter(name);
      return undefined;
    }
    if (value.length > (options.max ?? 256)) throw invalidParameter(name, `at most ${options.max ?? 256} characters`);
    return value;
  }

  int(name: string, bounds: { min: number; max: number; fallback?: number; required?: boolean }): number {
    const raw = this.params[name];
    if (raw === undefined || raw === '') {
      if (bounds.required || bounds.fallback === undefined) throw missingParameter(name);
      return bounds.fallback;
    }
    const value = /^-?\d{1,12}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(value) || value < bounds.min || value > bounds.max) throw invalidParameter(name, `an integer from ${bounds.min} to ${bounds.max}`);
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.params[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw !== 'true' && raw !== 'false') throw invalidParameter(name, 'true or false');
    return raw === 'true';
  }

  /** One of `choices` (matched without regard to case), returned in the spelling of `choices`. */
  oneOf<T extends string>(name: string, choices: readonly T[], options: { required: true }): T;
  oneOf<T extends string>(name: string, choices: readonly T[], options?: { required?: false }): T | undefined;
  oneOf<T extends string>(name: string, choices: readonly T[], options: { required?: boolean } = {}): T | undefined {
    const raw = options.required ? this.text(name, { required: true }) : this.text(name);
    if (raw === undefined) return undefined;
    const match = choices.find((c) => c.toLowerCase() === raw.toLowerCase());
    if (!match) throw invalidParameter(name, `one of ${choices.join(', ')}`);
    return match;
  }
}
