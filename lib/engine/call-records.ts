// Per-call records (caller, callee, times, cause, trace), written when the call ends. Writes are
// batched so the database sees one insertMany per burst of hangups instead of one insert per call.
import type { Collection, Db } from 'mongodb';
import type { Logger } from '../log.ts';
import type { TraceStep } from './executor.ts';

export interface CallRecord {
  _id: string;
  account_id: string | null;
  callflow_id: string | null;
  direction: 'inbound' | 'device';
  caller_id_number: string;
  caller_id_name: string;
  callee: string;
  matched_via?: string;
  capture_group?: string;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date;
  duration_ms: number;
  hangup_cause: string;
  end: string;
  trace: TraceStep[];
  cav: Record<string, string>;
  attributes: Record<string, unknown>;
}

export class CallRecordWriter {
  private readonly collection: Collection<CallRecord>;
  private pending: CallRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(db: Db, private readonly logger: Logger, private readonly delayMs = 50, private readonly maxBatch = 500) {
    this.collection = db.collection<CallRecord>('calls');
  }

  write(record: CallRecord) {
    this.pending.push(record);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Resolves once everything written so far is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (!batch.length) return;
      try {
        await this.collection.insertMany(batch, { ordered: false });
      } catch (err) {
        // Duplicates (a retried batch) are fine; anything else is logged with the ids so nothing is silent.
        const code = (err as { code?: number }).code;
        if (code !== 11000) this.logger.error({ err, calls: batch.map((r) => r._id) }, 'writing call records failed');
      }
    });
    return this.flushing;
  }
}
