// Number pools and visitor sessions: a website visitor gets a pool number for a time window; two
// concurrent sessions never get the same number (one atomic findOneAndUpdate per assignment on the
// number's state document); when every number is busy, the least recently handed out one is reused,
// as call-tracking products do (the call then belongs to the newest session).
import type { Db } from 'mongodb';
import { POOL_NUMBERS, VISITOR_SESSIONS } from './attribution.ts';

export const DEFAULT_SESSION_TTL_S = 1800;

export interface PoolNumberState {
  _id: string;
  account_id: string;
  pool_id: string;
  number: string;
  session_id: string | null;
  busy_until: Date;
  last_assigned_at: Date;
}

const stateId = (poolId: string, number: string) => `${poolId}:${number}`;

/** Makes the pool's number states match its numbers (new ones free, removed ones dropped). */
export async function syncPoolNumbers(db: Db, accountId: string, poolId: string, numbers: readonly string[]): Promise<void> {
  const col = db.collection<PoolNumberState>(POOL_NUMBERS);
  const epoch = new Date(0);
  for (const number of numbers) {
    await col.updateOne(
      { _id: stateId(poolId, number) },
      { $setOnInsert: { account_id: accountId, pool_id: poolId, number, session_id: null, busy_until: epoch, last_assigned_at: epoch } },
      { upsert: true },
    );
  }
  await col.deleteMany({ account_id: accountId, pool_id: poolId, number: { $nin: [...numbers] } });
}

export async function dropPoolNumbers(db: Db, accountId: string, poolId: string): Promise<void> {
  await db.collection(POOL_NUMBERS).deleteMany({ account_id: accountId, pool_id: poolId });
}

export interface Assignment {
  number: string;
  /** Every number was busy: this one was taken from the session that had held it longest. */
  reused: boolean;
  /** The session that lost the number (reuse only). */
  previousSession?: string;
}

/** Hands a number of the pool to `sessionId` until `until`; undefined when the pool has no numbers. */
export async function assignNumber(db: Db, accountId: string, poolId: string, sessionId: string, until: Date, now = new Date()): Promise<Assignment | undefined> {
  const col = db.collection<PoolNumberState>(POOL_NUMBERS);
  const update = { $set: { session_id: sessionId, busy_until: until, last_assigned_at: now } };
  const sort = { last_assigned_at: 1, _id: 1 } as const;
  const free = await col.findOneAndUpdate({ account_id: accountId, pool_id: poolId, busy_until: { $lte: now } }, update, { sort, returnDocument: 'before' });
  if (free) return { number: free.number, reused: false };
  const taken = await col.findOneAndUpdate({ account_id: accountId, pool_id: poolId }, update, { sort, returnDocument: 'before' });
  if (!taken) return undefined;
  return { number: taken.number, reused: true, ...(taken.session_id ? { previousSession: taken.session_id } : {}) };
}

/** Extends a session's hold on its number; false when another session has the number now. */
export async function extendHold(db: Db, accountId: string, poolId: string, number: string, sessionId: string, until: Date): Promise<boolean> {
  const res = await db
    .collection<PoolNumberState>(POOL_NUMBERS)
    .updateOne({ _id: stateId(poolId, number), account_id: accountId, session_id: sessionId }, { $set: { busy_until: until } });
  return res.matchedCount === 1;
}

/** Whether the session still holds its number (possibly past its window, until someone else takes it). */
export async function holdsNumber(db: Db, accountId: string, poolId: string, number: string, sessionId: string): Promise<boolean> {
  return (await db.collection(POOL_NUMBERS).countDocuments({ _id: stateId(poolId, number) as never, account_id: accountId, session_id: sessionId }, { limit: 1 })) === 1;
}

export async function markReassigned(db: Db, accountId: string, sessionId: string, at: Date): Promise<void> {
  await db.collection(VISITOR_SESSIONS).updateOne({ _id: sessionId as never, account_id: accountId }, { $set: { number_reassigned_at: at } });
}
