// Receiving a fax for a callflow (receive_fax, faxbox): the call-control port receives the TIFF into the
// media folder, a `faxes` document of the account records it (Kazoo's fax docs, folder `inbox`), and the
// faxbox's recipients / the owner get the inbound_fax e-mail with the document (inbound_fax_error on failure).
// Kazoo hands the call to its fax application (control_usurped) and the fax app hangs up at the end: here
// the module ends the flow (hard_stop) once the session is over.
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FaxReceiveResult } from '../callcontrol/port.ts';
import { gregorianNow } from '../accounts/secrets.ts';
import type { CallContext, Outcome } from '../engine/module.ts';
import { faxErrorMail, faxRecipients, inboundFaxMail, sendFaxMail, type FaxFacts } from './mail.ts';
import { tiffInfo } from './tiff.ts';
import { readFile } from 'node:fs/promises';

export interface FaxTarget {
  faxboxId?: string;
  faxbox?: Record<string, unknown>;
  ownerId?: string;
  /** Kazoo's media.fax_option: true / 'true' / 'auto' (T.38 allowed) or false / 'false' (audio only). */
  faxOption?: unknown;
  /** Seconds to hear the caller's fax tone; 0 or absent: the fax protocol's own timers. */
  timeoutSec?: number;
}

/** Kazoo's fax_option → whether T.38 may be used (anything but an explicit false allows it). */
export function allowsT38(option: unknown): boolean {
  return !(option === false || option === 'false');
}

/** Where the fax of `mediaId` goes, beside the account's recordings: <mediaDir>/<account>/faxes/<id>.tiff. */
export function faxLocation(recordingPath: string, id: string): { path: string; file: string } {
  const accountDir = path.dirname(recordingPath);
  return { path: path.join(accountDir, 'faxes', `${id}.tiff`), file: `${path.basename(accountDir)}/faxes/${id}` };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export async function receiveFaxInto(ctx: CallContext, target: FaxTarget): Promise<Outcome> {
  const { call } = ctx;
  const rec = ctx.media.newRecording();
  const id = rec.mediaId;
  const where = faxLocation(rec.path, id);
  const startedAt = new Date();
  const result: FaxReceiveResult = await call.receiveFax({
    path: where.path,
    timeoutSec: target.timeoutSec ?? 0,
    t38: allowsT38(target.faxOption),
    stationId: str(target.faxbox?.fax_identity),
    headerInfo: str(target.faxbox?.fax_header),
  });
  const facts: FaxFacts = {
    callerIdName: call.callerId.name,
    callerIdNumber: call.callerId.number,
    to: call.dialed,
    faxboxName: str(target.faxbox?.name),
    pages: result.pages,
    receivedAt: new Date(),
  };
  const recipients = faxRecipients(target.faxbox, target.ownerId);
  const log = ctx.logger.child({ call: call.id, fax: id });

  if (result.status === 'received' && result.file) {
    const info = await stat(result.file);
    const pages = result.pages || tiffInfo(await readFile(result.file))?.pages || 0;
    await ctx.data.insert('faxes', id, {
      folder: 'inbox',
      ...(target.faxboxId ? { faxbox_id: target.faxboxId } : {}),
      ...(target.ownerId ? { owner_id: target.ownerId } : {}),
      from_name: facts.callerIdName,
      from_number: facts.callerIdNumber,
      to_number: facts.to,
      call_id: call.id,
      ...(ctx.callflowId ? { callflow_id: ctx.callflowId } : {}),
      timestamp: gregorianNow(),
      received_at: facts.receivedAt.toISOString(),
      rx_result: {
        success: true,
        result_code: 0,
        result_text: 'OK',
        pages_transferred: pages,
        time_elapsed: Math.round((facts.receivedAt.getTime() - startedAt.getTime()) / 1000),
      },
      pvt_type: 'fax',
      file: where.file,
      pvt_media_ext: 'tiff',
      pvt_content_type: 'image/tiff',
      pvt_content_length: info.size,
    });
    ctx.attributes.fax = { status: 'received', pages, fax_id: id };
    // The e-mail never holds the caller up (nor the end of the call).
    void sendFaxMail(log, ctx.data, recipients, inboundFaxMail({ ...facts, pages, faxId: id }), { path: result.file, filename: `fax-${id}.tiff` });
    return { kind: 'hard_stop', cause: 'NORMAL_CLEARING', reason: `fax received: ${pages} page(s), fax ${id}` };
  }

  // Kazoo keeps no document of a failed fax; a fax cut short leaves a partial file that nobody can list.
  await rm(where.path, { force: true });
  ctx.attributes.fax = { status: result.status, pages: result.pages, ...(result.error ? { error: result.error } : {}) };
  // inbound_fax_error, as Kazoo's fax receiver sends when the session fails (also with no fax at all);
  // not for a caller who simply hung up.
  if (result.status === 'failed' || result.status === 'timeout') {
    void sendFaxMail(log, ctx.data, recipients, faxErrorMail({ ...facts, error: result.error ?? result.status }));
  }
  return { kind: 'hard_stop', cause: 'NORMAL_CLEARING', reason: `fax ${result.status}${result.error ? `: ${result.error}` : ''}` };
}
