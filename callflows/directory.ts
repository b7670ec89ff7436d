// Dial-by-name directory: the caller spells a name and is branched to that user's callflow.
// Kazoo: cf_directory, module name `directory`.
import { next, stop, type CallContext, type ModuleDefinition, type Outcome } from '../lib/engine/module.ts';
import { findMembers, type Member, type SearchField } from '../lib/directory/match.ts';
import { isUsable, obj, text, type Doc } from '../lib/legs/documents.ts';
import { docId, moduleData } from './schema-parts.ts';

const ALL_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
/** Kazoo's directory loops: three attempts without a choice end the call. */
const MAX_LOOPS = 3;
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SPELL_PROMPT: Record<SearchField, string> = {
  last_name: 'dir-enter_person_lastname',
  first_name: 'dir-enter_person_firstname',
  both: 'dir-enter_person_firstname_or_lastname',
};

async function members(ctx: CallContext, directoryId: string): Promise<Member[]> {
  if (!SAFE_ID.test(directoryId)) return [];
  const users = await ctx.data.find<Doc>('users', { [`directories.${directoryId}`]: { $exists: true } }, 2000);
  return users
    .filter((u) => isUsable(u) && text(obj(u.directories)?.[directoryId]))
    .map((u) => ({ userId: String(u._id), firstName: text(u.first_name) ?? '', lastName: text(u.last_name) ?? '', callflowId: String(obj(u.directories)![directoryId]) }));
}

/** Plays media; a key pressed stops it and stays buffered for the collection that follows. */
async function play(ctx: CallContext, ref: string, keys = ALL_KEYS): Promise<void> {
  const media = await ctx.media.resolve(ref, ctx.language);
  if (media.length) await ctx.call.play(media, { terminators: keys, language: ctx.language });
}

async function sayName(ctx: CallContext, m: Member): Promise<void> {
  try {
    await ctx.call.play([await ctx.media.speak(`${m.firstName} ${m.lastName}`.trim(), { language: ctx.language })], { terminators: ['1', '2', '3'] });
  } catch (err) {
    if ((err as Error).name === 'CallGoneError') throw err;
    // No TTS: the menu still works, the caller just does not hear the name.
    ctx.logger.warn({ err: (err as Error).message }, 'directory: speaking a name failed');
  }
}

async function branchTo(ctx: CallContext, m: Member): Promise<Outcome> {
  const doc = await ctx.data.get<Doc>('callflows', m.callflowId);
  const flow = obj(doc?.flow);
  if (!flow || typeof flow.module !== 'string') return next(`callflow ${m.callflowId} of ${m.firstName} ${m.lastName} not found`);
  return { kind: 'branch', flow: flow as never, reason: `${m.firstName} ${m.lastName} (callflow ${m.callflowId})` };
}

/** Reads the matches one by one: 1 connect, 2 next, 3 start over. Resolves the chosen member or 'restart'/'none'. */
async function choose(ctx: CallContext, matches: Member[]): Promise<Member | 'restart' | 'none'> {
  for (const m of matches) {
    ctx.call.flushDigits();
    await sayName(ctx, m);
    await play(ctx, 'dir-result_menu', ['1', '2', '3']);
    const r = await ctx.call.collectDigits({ maxDigits: 1, timeoutMs: 5000, interdigitMs: 5000 });
    if (r.digits === '1') return m;
    if (r.digits === '3') return 'restart';
  }
  return 'none';
}

const definition: ModuleDefinition = {
  name: 'directory',
  summary: 'Dial-by-name; branch to the chosen user\'s callflow, `_` on exit (0) or no users.',
  schema: moduleData({ id: { ...docId, description: 'Directory id.' } }),
  children: ['_'],
  implemented: true,
  async run(ctx, data) {
    const id = text(data.id);
    const dir = id ? await ctx.data.get<Doc>('directories', id) : undefined;
    if (!id || !dir || dir.pvt_deleted) return next('directory not found');
    const list = await members(ctx, id);
    if (!list.length) return next('the directory has no users');
    const field: SearchField = dir.search_fields === 'first_name' || dir.search_fields === 'both' ? dir.search_fields : 'last_name';
    const sortBy = dir.sort_by === 'first_name' ? 'first_name' : 'last_name';
    const minDtmf = Math.max(1, Number(dir.min_dtmf) || 3);
    const maxDtmf = Number(dir.max_dtmf) > 0 ? Number(dir.max_dtmf) : 20;
    // Schema default true, code default false (reference §3.8): an unset value does not confirm.
    const confirm = dir.confirm_match === true;
    await ctx.call.answer();
    for (let loop = 0; loop < MAX_LOOPS; loop++) {
      ctx.call.flushDigits();
      await play(ctx, SPELL_PROMPT[field]);
      const r = await ctx.call.collectDigits({ maxDigits: maxDtmf, timeoutMs: 5000, interdigitMs: 3000, terminators: ['#'] });
      if (!r.digits) continue;
      if (loop === 0 && r.digits === '0') return next('caller left the directory (0)');
      const matches = r.digits.length >= minDtmf ? findMembers(list, r.digits, field, sortBy) : [];
      if (!matches.length) {
        await play(ctx, 'dir-no_matches');
        continue;
      }
      if (matches.length === 1 && !confirm) return branchTo(ctx, matches[0]);
      const chosen = await choose(ctx, matches);
      if (chosen !== 'restart' && chosen !== 'none') return branchTo(ctx, chosen);
    }
    return stop(`no choice after ${MAX_LOOPS} attempts`);
  },
};

export default definition;
