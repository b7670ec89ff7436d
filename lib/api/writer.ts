// Every create, update and delete of an account document goes through here — from the collection
// routes, import, duplicate and number assignment alike — so the same steps always run:
// server fields dropped → Kazoo normalisation (callflow numbers) → ajv validation → dangling
// reference check → unique claims (numbers, patterns, SIP user names) → the write → Asterisk
// (devices) → change notification (route cache).
import { scrypt as scryptCb, randomBytes, createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MongoServerError, type Db } from 'mongodb';
import type { Logger } from '../log.ts';
import { getModule } from '../../callflows/index.ts';
import { addError, ValidationError, type ValidationErrors } from '../validation/errors.ts';
import { isPlainObject, walkFlow } from '../validation/flow-walk.ts';
import { normalizeCallflowNumber } from '../validation/numbers.ts';
import { referencesOf } from '../validation/references.ts';
import { validateDocument } from '../validation/documents/index.ts';
import type { DeviceProvisioner } from '../devices/provisioner.ts';
import { pjsipIdOf, SIP_USERNAME, type DeviceLike } from '../devices/pjsip.ts';
import { dropSecretFlags, keepSecrets } from './write-only.ts';
import { newId, sha256 } from '../accounts/secrets.ts';
import { Claims, type ClaimConflict, type ClaimDoc, type ClaimSpec } from './claims.ts';
import { userFields, type AccountDocuments, type DocCollection, type StoredDoc } from './documents.ts';
import { ConflictError } from './errors.ts';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface ChangeEvent {
  accountId: string;
  collection: string;
  id: string;
  action: 'created' | 'updated' | 'deleted';
}

export interface Warning {
  path: string;
  message: string;
}

export interface WriteResult {
  doc: StoredDoc;
  warnings: Warning[];
}

export interface PrepareOptions {
  /** Ids that count as existing in reference checks (the other documents of an import bundle). */
  alsoKnown?: (collection: string, id: string) => boolean;
  /** A callflow may have no number or pattern (a duplicate waiting for its numbers). */
  allowNoNumbers?: boolean;
}

/** The claim registries, shared by every request of an API instance. */
export interface UniqueClaims {
  numbers: Claims;
  sipUsernames: Claims;
}

export function createUniqueClaims(db: Db): UniqueClaims {
  return {
    numbers: new Claims(db, {
      collection: 'callflow_numbers',
      ownerField: 'callflow_id',
      async ownerStillHolds(claim: ClaimDoc) {
        const field = claim.kind === 'pattern' ? 'patterns' : 'numbers';
        const doc = await db.collection('callflows').findOne({ _id: String(claim.callflow_id) as never, account_id: claim.account_id, [field]: claim.value }, { projection: { _id: 1 } });
        return !!doc;
      },
    }),
    sipUsernames: new Claims(db, {
      collection: 'sip_usernames',
      ownerField: 'device_id',
      async ownerStillHolds(claim: ClaimDoc) {
        const doc = await db.collection<DeviceLike>('devices').findOne({ _id: String(claim.device_id) as never }, { projection: { sip: 1 } });
        const u = doc?.sip?.username;
        return typeof u === 'string' && u.toLowerCase() === claim._id;
      },
    }),
  };
}

export interface WriterDeps {
  docs: AccountDocuments;
  claims: UniqueClaims;
  devices?: DeviceProvisioner;
  mediaDir: string;
  logger: Logger;
  onChange?: (event: ChangeEvent) => void;
}

interface Prepared {
  fields: Record<string, unknown>;
  serverFields: Record<string, unknown>;
  warnings: Warning[];
}

function numberKey(accountId: string, n: string) {
  return `${accountId}:n:${n}`;
}
function patternKey(accountId: string, p: string) {
  return `${accountId}:p:${sha256(p)}`;
}

/** Kazoo's normalisation of callflow numbers (reference §1.1), duplicates after normalisation dropped. */
export function normaliseNumbers(fields: Record<string, unknown>): void {
  if (!Array.isArray(fields.numbers)) return;
  const seen = new Set<unknown>();
  fields.numbers = fields.numbers
    .map((n) => (typeof n === 'string' ? normalizeCallflowNumber(n) : n))
    .filter((n) => (typeof n === 'string' ? !seen.has(n) && (seen.add(n), true) : true));
}

/** Callflow modules the engine does not run yet: saved and validated, but reported. */
export function unimplementedModules(flow: unknown): Warning[] {
  const out: Warning[] = [];
  for (const ev of walkFlow(flow, 'flow')) {
    if (ev.kind !== 'node' || !isPlainObject(ev.node) || typeof ev.node.module !== 'string') continue;
    const def = getModule(ev.node.module);
    if (def && !def.implemented) {
      out.push({ path: ev.path, message: `module "${ev.node.module}" is not implemented yet: calls skip it and continue with its "_" child` });
    }
  }
  return out;
}

function uniqueErrors(conflicts: ClaimConflict[], sameAccountHolders: boolean): ValidationErrors {
  const errors: ValidationErrors = {};
  const byKind = new Map<string, ClaimConflict[]>();
  for (const c of conflicts) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  for (const [kind, list] of byKind) {
    const field = kind === 'pattern' ? 'patterns' : kind === 'number' ? 'numbers' : 'sip.username';
    const message = list
      .map((c) =>
        kind === 'sip_username'
          ? `SIP user name ${c.value} is already used by ${sameAccountHolders ? `device ${c.holder}` : 'another device'}`
          : `${kind === 'pattern' ? 'Pattern' : 'Number'} ${c.value} exists in callflow ${c.holder}`,
      )
      .join('; ');
    errors[field] = {
      unique: {
        message,
        value: list[0].value,
        // Crossbar's `cause` is the conflicting value; the holders are listed for scripts.
        ...({ cause: list[0].value } as object),
        ...(kind === 'sip_username' ? {} : { conflicts: list.map((c) => ({ [kind]: c.value, callflow_id: c.holder })) }),
      },
    };
  }
  return errors;
}

export class DocumentWriter {
  constructor(private readonly deps: WriterDeps) {}

  get accountId(): string {
    return this.deps.docs.accountId;
  }

  /** Cleans, normalises and validates a document; throws ValidationError with every problem found. */
  async prepare(collection: DocCollection, input: Record<string, unknown>, opts: PrepareOptions = {}): Promise<Prepared> {
    const fields = userFields(collection, input);
    const serverFields: Record<string, unknown> = {};
    if (collection === 'callflows') normaliseNumbers(fields);
    if (collection === 'users' && typeof fields.password === 'string') {
      // Kazoo keeps only hashes of user passwords; so do we (and never return them).
      const salt = randomBytes(16);
      serverFields.pvt_password_hash = `scrypt$${salt.toString('hex')}$${(await scrypt(fields.password, salt, 32)).toString('hex')}`;
      delete fields.password;
    }
    const result = validateDocument(collection, fields);
    const errors: ValidationErrors = result.ok ? {} : result.errors;
    if (opts.allowNoNumbers && errors.numbers?.required) {
      delete errors.numbers.required;
      if (Object.keys(errors.numbers).length === 0) delete errors.numbers;
    }
    if (collection === 'devices' && isPlainObject(fields.sip) && typeof fields.sip.username === 'string' && !SIP_USERNAME.test(fields.sip.username)) {
      addError(errors, 'sip.username', 'pattern', {
        message: 'must be 2 to 32 letters, digits or . _ ~ + - (it names the device in Asterisk)',
        value: fields.sip.username,
        target: SIP_USERNAME.source,
      });
    }
    const refs = referencesOf(collection, fields);
    if (refs.length > 0) {
      for (const ref of await this.deps.docs.missing(refs, opts.alsoKnown)) {
        const where = [ref.collection, ...(ref.alternatives ?? [])].join(' or ');
        addError(errors, ref.path, 'reference', { message: `refers to ${where} document ${JSON.stringify(ref.id)}, which does not exist`, value: ref.id });
      }
    }
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
    const warnings = collection === 'callflows' ? unimplementedModules(fields.flow) : [];
    return { fields, serverFields, warnings };
  }

  private claimSpecs(collection: DocCollection, fields: Record<string, unknown>): { registry: keyof UniqueClaims; specs: ClaimSpec[] } | undefined {
    const acct = this.accountId;
    if (collection === 'callflows') {
      const specs: ClaimSpec[] = [];
      for (const n of Array.isArray(fields.numbers) ? fields.numbers : []) if (typeof n === 'string') specs.push({ key: numberKey(acct, n), kind: 'number', value: n });
      for (const p of Array.isArray(fields.patterns) ? fields.patterns : []) if (typeof p === 'string') specs.push({ key: patternKey(acct, p), kind: 'pattern', value: p });
      return { registry: 'numbers', specs };
    }
    if (collection === 'devices') {
      const u = isPlainObject(fields.sip) ? fields.sip.username : undefined;
      return { registry: 'sipUsernames', specs: typeof u === 'string' ? [{ key: u.toLowerCase(), kind: 'sip_username', value: u }] : [] };
    }
    return undefined;
  }

  private async acquire(collection: DocCollection, id: string, fields: Record<string, unknown>): Promise<{ registry?: keyof UniqueClaims; keys: string[] }> {
    const claim = this.claimSpecs(collection, fields);
    if (!claim) return { keys: [] };
    const conflicts = await this.deps.claims[claim.registry].acquire(this.accountId, id, claim.specs);
    if (conflicts.length > 0) {
      let sameAccount = true;
      if (claim.registry === 'sipUsernames') {
        const mine = await this.deps.docs.existing('devices', conflicts.map((c) => c.holder));
        sameAccount = conflicts.every((c) => mine.has(c.holder));
      }
      throw new ValidationError(uniqueErrors(conflicts, sameAccount));
    }
    return { registry: claim.registry, keys: claim.specs.map((s) => s.key) };
  }

  async create(collection: DocCollection, input: Record<string, unknown>, opts: PrepareOptions & { id?: string } = {}): Promise<WriteResult> {
    const { fields, serverFields, warnings } = await this.prepare(collection, input, opts);
    dropSecretFlags(collection, fields);
    const id = opts.id ?? newId();
    const { registry, keys } = await this.acquire(collection, id, fields);
    let doc: StoredDoc;
    try {
      doc = await this.deps.docs.insert(collection, id, fields, serverFields);
    } catch (err) {
      if (registry) await this.deps.claims[registry].releaseKeys(id, keys).catch(() => {});
      if (err instanceof MongoServerError && err.code === 11000) {
        throw new ValidationError({ id: { unique: { message: `a ${collection} document with id ${id} already exists`, value: id } } });
      }
      throw err;
    }
    await this.afterWrite(collection, 'created', doc);
    return { doc, warnings };
  }

  /** Replaces the user fields of `current` (POST; PATCH passes the merged document). */
  async update(collection: DocCollection, current: StoredDoc, input: Record<string, unknown>, opts: PrepareOptions = {}): Promise<WriteResult> {
    const { fields, serverFields, warnings } = await this.prepare(collection, input, opts);
    // Like Crossbar's vmboxes: messages are written by calls, so an edit that omits them keeps them.
    if (collection === 'vmboxes' && fields.messages === undefined && current.messages !== undefined) fields.messages = current.messages;
    // Gateway passwords and webhook secrets are never shown, so an edit that omits one keeps it.
    keepSecrets(collection, fields, current);
    const before = this.claimSpecs(collection, current);
    const { registry, keys } = await this.acquire(collection, current._id, fields);
    const doc = await this.deps.docs.replace(collection, current, fields, serverFields);
    if (!doc) {
      // Lost a race with another write: undo only the claims this update added.
      if (registry) {
        const had = new Set(before?.specs.map((s) => s.key));
        await this.deps.claims[registry].releaseKeys(current._id, keys.filter((k) => !had.has(k))).catch(() => {});
      }
      throw new ConflictError('the document was changed by another request; fetch it again and retry');
    }
    if (registry) await this.deps.claims[registry].releaseExcept(this.accountId, current._id, keys);
    if (collection === 'devices' && this.deps.devices) {
      const oldId = pjsipIdOf(current as DeviceLike);
      if (oldId && oldId !== pjsipIdOf(doc as DeviceLike)) await this.provision(() => this.deps.devices!.remove(current as DeviceLike), current);
    }
    await this.afterWrite(collection, 'updated', doc);
    return { doc, warnings };
  }

  async remove(collection: DocCollection, current: StoredDoc): Promise<StoredDoc> {
    const deleted = await this.deps.docs.remove(collection, current._id, current.pvt_rev);
    if (!deleted) throw new ConflictError('the document was changed by another request; fetch it again and retry');
    const claim = this.claimSpecs(collection, deleted);
    if (claim) await this.deps.claims[claim.registry].releaseExcept(this.accountId, deleted._id, []);
    if (collection === 'devices' && this.deps.devices) await this.provision(() => this.deps.devices!.remove(deleted as DeviceLike), deleted);
    if (collection === 'media') await this.removeMediaFile(deleted);
    this.deps.onChange?.({ accountId: this.accountId, collection, id: deleted._id, action: 'deleted' });
    return deleted;
  }

  async removeMediaFile(doc: StoredDoc): Promise<void> {
    const file = typeof doc.file === 'string' ? doc.file : undefined;
    const ext = typeof doc.pvt_media_ext === 'string' ? doc.pvt_media_ext : undefined;
    if (!file || !ext) return;
    const full = path.resolve(this.deps.mediaDir, `${file}.${ext}`);
    if (!full.startsWith(path.resolve(this.deps.mediaDir) + path.sep)) return;
    await rm(full, { force: true }).catch((err: Error) => this.deps.logger.warn({ err: err.message, media_id: doc._id }, 'removing a media file failed'));
    // The µ-law copy of a WAV (lib/media/ulaw.ts), if it has one.
    await rm(path.resolve(this.deps.mediaDir, `${file}.ulaw`), { force: true }).catch(() => {});
  }

  private async afterWrite(collection: DocCollection, action: ChangeEvent['action'], doc: StoredDoc): Promise<void> {
    if (collection === 'devices' && this.deps.devices) await this.provision(() => this.deps.devices!.push(doc as DeviceLike), doc);
    this.deps.onChange?.({ accountId: this.accountId, collection, id: doc._id, action });
  }

  /**
   * Asterisk being down must not refuse a configuration change: the document is saved, the failure
   * logged, and the device pushed again when ARI reconnects (pushAll).
   */
  private async provision(run: () => Promise<void>, doc: StoredDoc): Promise<void> {
    try {
      await run();
    } catch (err) {
      this.deps.logger.warn({ device_id: doc._id, account_id: this.accountId, err: (err as Error).message }, 'device not synchronised with Asterisk; it will be pushed again on reconnect');
    }
  }
}

/** Stable hash of a value's JSON (used for list revisions). */
export function jsonHash(value: unknown): string {
  return createHash('md5').update(JSON.stringify(value)).digest('hex');
}
