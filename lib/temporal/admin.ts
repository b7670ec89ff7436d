// temporal_route's admin actions (feature codes that open/close an office): the pure state changes and choices.
// Kazoo: cf_temporal_route:handle/2 with data.action = menu | enable | disable | reset (temporal_route_menu,
// enable_temporal_rules, disable_temporal_rules, reset_temporal_rules).
//
// What callflows/temporal_route.ts must do, step by step (the I/O this file leaves out):
//  0. action = parseTemporalAction(data.action). undefined → routing mode (selectTemporalChild); any other
//     string than the four below is routing mode too. Admin modes ignore data.rule_set and the children.
//  1. Targets = adminTargets(data): the ids in data.rules, in order, duplicates included; nothing else (not
//     rule_set, not child keys). Kazoo writes `enabled` on whatever document each id names; on a rule-set
//     document that has no effect on routing (routing reads `enabled` of rules only) — log a warning there.
//  2. enable / disable / reset: for each target: read the temporal_rules document (fresh, not cached),
//     apply applyTemporalAdminAction(doc, action) — enable: enabled=true, disable: enabled=false, reset:
//     remove `enabled` — and save it. On a revision conflict re-read and retry that same id (Kazoo retries
//     without bound: bound it, e.g. 5 tries); a missing document or another error: log and go on with the
//     next id. Then play the confirmation adminConfirmationPrompt(action) once, blocking (b_prompt), even
//     if some saves failed (Kazoo does), even with no targets.
//  3. menu: play TEMPORAL_ADMIN_PROMPTS.menu (interruptible by DTMF), collect 1 digit: first-digit timeout
//     5000 ms (kapps_call_command:default_collect_timeout), inter-digit data.interdigit_timeout (default
//     TEMPORAL_INTERDIGIT_TIMEOUT_MS), `#` terminates (→ empty). menuChoice(digits): 1 → step 2 as enable,
//     2 → disable, 3 → reset, anything else including no input → play the menu again; only a hangup or a
//     media error ends the menu without changes. Kazoo replays without bound: cap the plays
//     (TEMPORAL_MENU_MAX_PLAYS), then end as on no input (no change, no confirmation).
//  4. All admin modes then continue to `_` (master: cf_exe:continue; an older 4.x build did stop). A hangup
//     during any step ends the module (the executor stops) — saves already done stay done.
//  5. There is no PIN and no answer step in Kazoo's module: the feature-code callflow is meant to be
//     restricted to the office's own devices. Answer the channel before the first prompt (ARI playback on
//     an unanswered channel is early media at best), and consider restricting who may reach it.
//  6. Trace: one line per target ("rule <id> enabled=true saved" / "… not found"), plus the menu digit.
import type { TemporalRuleDoc } from './rule-doc.ts';

export const TEMPORAL_ACTIONS = ['menu', 'enable', 'disable', 'reset'] as const;
export type TemporalAction = (typeof TEMPORAL_ACTIONS)[number];
export type TemporalChange = Exclude<TemporalAction, 'menu'>;

/** Kazoo's prompt names (cf_temporal_route.hrl #prompts). */
export const TEMPORAL_ADMIN_PROMPTS = {
  menu: 'temporal-menu',
  enable: 'temporal-marked_enabled',
  disable: 'temporal-marked_disabled',
  reset: 'temporal-marker_reset',
} as const;

/** Kazoo's menu keys (cf_temporal_route.hrl #keys). */
export const TEMPORAL_MENU_KEYS: Readonly<Record<string, TemporalChange>> = {
  '1': 'enable',
  '2': 'disable',
  '3': 'reset',
};

export const TEMPORAL_INTERDIGIT_TIMEOUT_MS = 2000;
export const TEMPORAL_MENU_FIRST_DIGIT_TIMEOUT_MS = 5000;
/** Our bound on menu plays (Kazoo has none). */
export const TEMPORAL_MENU_MAX_PLAYS = 3;

/** data.action → the admin action, or undefined for routing mode. */
export function parseTemporalAction(action: unknown): TemporalAction | undefined {
  return typeof action === 'string' && (TEMPORAL_ACTIONS as readonly string[]).includes(action)
    ? (action as TemporalAction)
    : undefined;
}

/** The ids an admin action writes to: data.rules as given (Kazoo's rule_ids/1). */
export function adminTargets(data: { rules?: unknown }): string[] {
  return Array.isArray(data.rules) ? data.rules.filter((id): id is string => typeof id === 'string' && id !== '') : [];
}

/** What `enabled` becomes: true (forced on), false (forced off), undefined (key removed: follow the schedule). */
export function enabledAfter(action: TemporalChange): boolean | undefined {
  switch (action) {
    case 'enable':
      return true;
    case 'disable':
      return false;
    case 'reset':
      return undefined;
  }
}

/** The rule document after the action; other keys untouched, input not modified. */
export function applyTemporalAdminAction<T extends TemporalRuleDoc>(doc: T, action: TemporalChange): T {
  const { enabled: _previous, ...rest } = doc;
  const value = enabledAfter(action);
  return (value === undefined ? rest : { ...rest, enabled: value }) as T;
}

/** The confirmation played after the changes. */
export function adminConfirmationPrompt(action: TemporalChange): string {
  return TEMPORAL_ADMIN_PROMPTS[action];
}

export type MenuChoice = TemporalChange | 'replay' | 'exit';

/**
 * What the menu does with the collected digits: `undefined` = the collection failed (hangup, media error)
 * → exit; '1'/'2'/'3' → that change; anything else, including '' (timeout or a lone `#`) → replay.
 */
export function menuChoice(collected: string | undefined): MenuChoice {
  if (collected === undefined) return 'exit';
  return TEMPORAL_MENU_KEYS[collected] ?? 'replay';
}
