// call_forward's keypad dialogue (Kazoo cf_call_forward): asking for the forward number, and what each action
// makes of the stored {enabled, number}. Only these two fields are written (require_keypress, keep_caller_id,
// substitute... keep their stored values).
import { CallGoneError } from '../callcontrol/port.ts';
import type { CallContext } from '../engine/module.ts';
import { prompt } from './caller.ts';

export interface ForwardState {
  enabled: boolean;
  number: string;
}

/** Kazoo's callflow.call_forward defaults: 3..20 digits, 8 s to start typing. */
export const MIN_NUMBER = 3;
export const MAX_NUMBER = 20;
export const NUMBER_TIMEOUT_MS = 8000;
const INTERDIGIT_MS = 2000;
/** Kazoo asks again forever after a too-short entry; ariflow gives up after this many (a silent caller). */
export const NUMBER_ATTEMPTS = 3;
const KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];

/** A capture group that can be a forward number (the feature code carried it, e.g. `*72 5551234`). */
export function capturedNumber(capture: string | undefined): string | undefined {
  return capture && /^\+?[0-9]{1,30}$/.test(capture) ? capture : undefined;
}

/** Prompts `cf-enter_number` and collects the number; too short → asked again; undefined after NUMBER_ATTEMPTS. */
export async function askNumber(ctx: CallContext): Promise<string | undefined> {
  for (let attempt = 0; attempt < NUMBER_ATTEMPTS; attempt++) {
    await prompt(ctx, ['cf-enter_number'], KEYS);
    const { digits } = await ctx.call.collectDigits({ maxDigits: MAX_NUMBER, timeoutMs: NUMBER_TIMEOUT_MS, interdigitMs: INTERDIGIT_MS, terminators: ['#'] });
    if (digits.length >= MIN_NUMBER) {
      await prompt(ctx, ['vm-saved']);
      return digits;
    }
  }
  return undefined;
}

/** "Now forwarded to" + the number read out digit by digit. */
async function sayForwarded(ctx: CallContext, number: string): Promise<void> {
  await prompt(ctx, ['cf-now_forwarded_to', `digits:${number.replace(/[^0-9*#]/g, '')}`]);
}

export async function activate(ctx: CallContext, cf: ForwardState, capture?: string): Promise<ForwardState> {
  const number = capture ?? (await askNumber(ctx));
  if (!number) return cf;
  await sayForwarded(ctx, number);
  return { enabled: true, number };
}

export async function deactivate(ctx: CallContext, cf: ForwardState): Promise<ForwardState> {
  await prompt(ctx, ['cf-disabled']);
  return { ...cf, enabled: false };
}

export async function update(ctx: CallContext, cf: ForwardState, capture?: string): Promise<ForwardState> {
  const number = capture ?? (await askNumber(ctx));
  return number ? { ...cf, number } : cf;
}

export async function toggle(ctx: CallContext, cf: ForwardState, capture?: string): Promise<ForwardState> {
  if (cf.enabled) return deactivate(ctx, cf);
  if (cf.number) {
    await sayForwarded(ctx, cf.number);
    return { ...cf, enabled: true };
  }
  return activate(ctx, cf, capture);
}

/**
 * The menu: 1 toggles, 2 changes the number, anything else repeats it; silence ends it. Hanging up ends it too,
 * and what was changed until then is kept (Kazoo saves after its menu returns, also on hangup).
 */
export async function menu(ctx: CallContext, cf: ForwardState, capture?: string): Promise<ForwardState> {
  const state = { current: cf };
  try {
    await menuLoop(ctx, state, capture);
  } catch (err) {
    if (!(err instanceof CallGoneError)) throw err;
  }
  return state.current;
}

async function menuLoop(ctx: CallContext, box: { current: ForwardState }, capture?: string): Promise<void> {
  for (;;) {
    const state = box.current;
    ctx.call.flushDigits();
    await prompt(ctx, [state.enabled ? 'cf-enabled_menu' : 'cf-disabled_menu'], KEYS);
    const { digits } = await ctx.call.collectDigits({ maxDigits: 1, timeoutMs: NUMBER_TIMEOUT_MS, interdigitMs: INTERDIGIT_MS });
    if (!digits) return;
    if (digits === '1') box.current = await toggle(ctx, state, capture);
    else if (digits === '2') box.current = await update(ctx, state, capture);
  }
}
