// Translation of PostgreSQL/DocumentDB failures into MongoDB error replies.
//
// DocumentDB raises Mongo errors as SQLSTATEs 'M' + four base-36 digits. The
// number is an ordinal in DocumentDB's own error list, not the Mongo code, so
// it needs a table. Only the codes an application or driver may act on are
// listed; any other M-state still carries DocumentDB's message and is reported
// as BadValue, since they are all rejections of what the client sent.

export const TRANSIENT_TRANSACTION_ERROR = 'TransientTransactionError';

const DOCUMENTDB_STATES: Record<string, [number, string]> = {
  M0000: [1, 'InternalError'],
  M0001: [2, 'BadValue'],
  M0003: [9, 'FailedToParse'],
  M0004: [14, 'TypeMismatch'],
  M0005: [15, 'Overflow'],
  M0006: [20, 'IllegalOperation'],
  M0008: [26, 'NamespaceNotFound'],
  M0009: [27, 'IndexNotFound'],
  M000A: [28, 'PathNotViable'],
  M000C: [34, 'CannotBackfillArray'],
  M000D: [40, 'ConflictingUpdateOperators'],
  M000E: [43, 'CursorNotFound'],
  M000F: [48, 'NamespaceExists'],
  M000G: [52, 'DollarPrefixedFieldName'],
  M000J: [56, 'EmptyFieldName'],
  M000K: [57, 'DottedFieldName'],
  M000M: [66, 'ImmutableField'],
  M000N: [67, 'CannotCreateIndex'],
  M000O: [68, 'IndexAlreadyExists'],
  M000P: [72, 'InvalidOptions'],
  M000Q: [73, 'InvalidNamespace'],
  M000R: [85, 'IndexOptionsConflict'],
  M000S: [86, 'IndexKeySpecsConflict'],
  M000U: [115, 'CommandNotSupported'],
  M000W: [146, 'ExceededMemoryLimit'],
  M0012: [197, 'InvalidIndexSpecificationOption'],
  M0016: [263, 'OperationNotSupportedInTransaction'],
  M001B: [10334, 'BSONObjectTooLarge'],
  M001C: [11000, 'DuplicateKey'],
  M00CO: [121, 'DocumentFailedValidation'],
  M00EL: [143, 'CursorInUse'],
  M00EU: [6, 'HostUnreachable'],
  M00EW: [24, 'LockTimeout'],
  M00EX: [50, 'MaxTimeMSExpired'],
  M00EY: [59, 'CommandNotFound'],
  M00F1: [112, 'WriteConflict'],
  M00F4: [201, 'CannotBuildIndexKeys'],
  M00F6: [251, 'NoSuchTransaction'],
};

// Plain PostgreSQL states that surface through DocumentDB's functions.
const POSTGRES_STATES: Record<string, [number, string]> = {
  '23505': [11000, 'DuplicateKey'], // unique_violation
  '23P01': [11000, 'DuplicateKey'], // exclusion_violation: how unique indexes are built
  '40001': [112, 'WriteConflict'], // serialization_failure
  '40P01': [112, 'WriteConflict'], // deadlock_detected
  '55P03': [24, 'LockTimeout'], // lock_not_available
  '57014': [50, 'MaxTimeMSExpired'], // query_canceled (statement_timeout / maxTimeMS)
  '42P01': [26, 'NamespaceNotFound'], // undefined_table
  '0A000': [115, 'CommandNotSupported'], // feature_not_supported
  '22P02': [2, 'BadValue'], // invalid_text_representation
  '22023': [2, 'BadValue'], // invalid_parameter_value
  '54000': [10334, 'BSONObjectTooLarge'], // program_limit_exceeded
};

export class CommandError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly errorLabels: string[];

  constructor(code: number, codeName: string, message: string, errorLabels: string[] = []) {
    super(message);
    this.code = code;
    this.codeName = codeName;
    this.errorLabels = errorLabels;
  }

  reply(): Record<string, unknown> {
    const doc: Record<string, unknown> = { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName };
    if (this.errorLabels.length) doc.errorLabels = this.errorLabels;
    return doc;
  }
}

export const errors = {
  commandNotFound: (name: string) => new CommandError(59, 'CommandNotFound', `no such command: '${name}'`),
  badValue: (msg: string) => new CommandError(2, 'BadValue', msg),
  failedToParse: (msg: string) => new CommandError(9, 'FailedToParse', msg),
  cursorNotFound: (id: bigint) => new CommandError(43, 'CursorNotFound', `cursor id ${id} not found`),
  cursorInUse: (id: bigint) => new CommandError(143, 'CursorInUse', `cursor id ${id} is already in use`),
  noSuchTransaction: (msg: string) =>
    new CommandError(251, 'NoSuchTransaction', msg, [TRANSIENT_TRANSACTION_ERROR]),
  unsupportedOpQuery: (name: string) =>
    new CommandError(352, 'UnsupportedOpQueryCommand', `Unsupported OP_QUERY command: ${name}. Use OP_MSG.`),
  hostUnreachable: (msg: string) => new CommandError(6, 'HostUnreachable', msg),
};

/** Errors in a transaction the driver should answer by retrying the whole transaction. */
const TRANSIENT_IN_TRANSACTION = new Set([6, 24, 50, 112, 251]);

interface PgLikeError {
  code?: unknown;
  message?: unknown;
}

/** Maps anything thrown while serving a command to a CommandError. */
export function fromBackendError(err: unknown, inTransaction: boolean): CommandError {
  const base = err instanceof CommandError ? err : fromPostgres(err);
  return inTransaction ? forTransaction(base) : base;
}

function fromPostgres(err: unknown): CommandError {
  const e = (err ?? {}) as PgLikeError;
  const state = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  let mapped = DOCUMENTDB_STATES[state] ?? POSTGRES_STATES[state];
  if (!mapped && /^M[0-9A-Z]{4}$/.test(state)) mapped = [2, 'BadValue'];
  if (!mapped && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|57P0[123]|08[0-9A-Z]{3})$/.test(state)) {
    mapped = [6, 'HostUnreachable'];
  }
  if (!mapped && /Connection terminated|timeout exceeded when trying to connect/i.test(message)) {
    mapped = [6, 'HostUnreachable'];
  }
  const [code, codeName] = mapped ?? [1, 'InternalError'];
  return new CommandError(code, codeName, message);
}

function forTransaction(e: CommandError): CommandError {
  if (e.errorLabels.includes(TRANSIENT_TRANSACTION_ERROR)) return e;
  // Mongo lets a transaction wait only milliseconds for another's lock, then
  // fails it with a WriteConflict the driver retries. Lock timeouts are that.
  if (e.code === 24 || e.code === 112) {
    return new CommandError(112, 'WriteConflict', `write conflict in transaction: ${e.message}`, [
      TRANSIENT_TRANSACTION_ERROR,
    ]);
  }
  if (TRANSIENT_IN_TRANSACTION.has(e.code)) {
    return new CommandError(e.code, e.codeName, e.message, [TRANSIENT_TRANSACTION_ERROR]);
  }
  return e;
}

/**
 * DocumentDB puts raw PostgreSQL error numbers in `writeErrors[].code`: the
 * SQLSTATE packed six bits per character, first character lowest. Anything
 * that does not unpack to a valid SQLSTATE is already a Mongo code.
 */
export function mongoCodeOfWriteError(code: number): { code: number; codeName?: string } {
  let state = '';
  for (let i = 0; i < 5; i++) state += String.fromCharCode(((code >>> (6 * i)) & 0x3f) + 48);
  if (!/^[0-9A-Z]{5}$/.test(state)) return { code };
  const mapped = DOCUMENTDB_STATES[state] ?? POSTGRES_STATES[state];
  if (mapped) return { code: mapped[0], codeName: mapped[1] };
  return state.startsWith('M') ? { code: 2, codeName: 'BadValue' } : { code };
}
