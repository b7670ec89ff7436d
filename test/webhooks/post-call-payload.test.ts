// Post-call webhooks, pure parts: the callflow field, the retry schedule, the body.
import { expect } from 'chai';
import type { CallRecord } from '../../lib/engine/call-records.ts';
import { ConfigError } from '../../lib/config.ts';
import { DEFAULT_RETRY_SCHEDULE_S, nextAttemptAt, postCallBody, retryScheduleFrom, webhooksOf } from '../../lib/webhooks/post-call-payload.ts';

describe('post-call webhooks: configuration', () => {
  const table: Array<[string, unknown, ReturnType<typeof webhooksOf>]> = [
    ['absent', undefined, []],
    ['not a list', { url: 'http://x' }, []],
    ['one url', [{ url: 'https://h.example/x' }], [{ url: 'https://h.example/x' }]],
    ['secret and schedule kept', [{ url: 'http://a/b', secret: 'k', retry_schedule_s: [1, 2] }], [{ url: 'http://a/b', secret: 'k', retry_schedule_s: [1, 2] }]],
    ['a bad schedule falls back to the default', [{ url: 'http://a/b', retry_schedule_s: [1, -2] }], [{ url: 'http://a/b' }]],
    ['disabled and non-http entries dropped', [{ url: 'http://a', enabled: false }, { url: 'ftp://b' }, 'http://c', null, { url: 'http://d' }], [{ url: 'http://d' }]],
  ];
  for (const [name, field, want] of table) it(name, () => expect(webhooksOf(field === undefined ? {} : { post_call_webhooks: field })).to.deep.equal(want));

  it('schedules retries from the failed attempt, then gives up', () => {
    const t = new Date('2026-01-01T00:00:00Z');
    const rows: Array<[number[], number, string | undefined]> = [
      [[60, 300, 900], 1, '2026-01-01T00:01:00.000Z'],
      [[60, 300, 900], 2, '2026-01-01T00:05:00.000Z'],
      [[60, 300, 900], 3, '2026-01-01T00:15:00.000Z'],
      [[60, 300, 900], 4, undefined],
      [[], 1, undefined],
      [[0], 1, '2026-01-01T00:00:00.000Z'],
    ];
    for (const [schedule, attempt, want] of rows) expect(nextAttemptAt(schedule, attempt, t)?.toISOString(), `${schedule} #${attempt}`).to.equal(want);
  });

  it('reads ARIFLOW_WEBHOOK_RETRY_S', () => {
    expect(retryScheduleFrom({})).to.deep.equal(DEFAULT_RETRY_SCHEDULE_S);
    expect(retryScheduleFrom({ ARIFLOW_WEBHOOK_RETRY_S: '1, 5,15' })).to.deep.equal([1, 5, 15]);
    expect(retryScheduleFrom({ ARIFLOW_WEBHOOK_RETRY_S: '' })).to.deep.equal([]);
    expect(() => retryScheduleFrom({ ARIFLOW_WEBHOOK_RETRY_S: '1,x' })).to.throw(ConfigError);
    expect(() => retryScheduleFrom({ ARIFLOW_WEBHOOK_RETRY_S: '-1' })).to.throw(ConfigError);
  });
});

describe('post-call webhooks: body', () => {
  const base: CallRecord = {
    _id: 'call-1',
    account_id: 'acc',
    callflow_id: 'cf',
    direction: 'inbound',
    caller_id_number: '+15551234567',
    caller_id_name: 'Alice',
    callee: '+15550001111',
    started_at: new Date('2026-01-01T00:00:00Z'),
    answered_at: new Date('2026-01-01T00:00:05Z'),
    ended_at: new Date('2026-01-01T00:01:05Z'),
    duration_ms: 65_000,
    hangup_cause: 'NORMAL_CLEARING',
    end: 'stop',
    trace: [{ module: 'ring_group', data: {}, result: 'stop', reason: 'answered', startedAt: new Date(), durationMs: 1 } as never],
    cav: { lead: 'x' },
    attributes: {
      callflow_name: 'Sales',
      call_bridged: true,
      bridged_to: 'dev1',
      recordings: [{ media_id: 'm1', format: 'wav' }, { nope: true }],
      voicemail: { action: 'compose', box_id: 'box1', message_left: true, media_id: 'vm1', length: 12 },
      tags: ['google', 'paid'],
      attribution: { source: 'google', campaign: 'spring' },
      zip: '90210',
      rtb: { bids: [], decision: { result: 'won', winner: 'b' }, connection: { status: 'answered' } },
    },
  };

  it('carries who answered, talk time, links, tags, attribution and the path', () => {
    const body = postCallBody(base, { publicUrl: 'https://pbx.example.com', now: new Date('2026-01-01T00:02:00Z') });
    expect(body.event).to.equal('call.ended');
    expect(body.timestamp).to.equal(Date.parse('2026-01-01T00:02:00Z') / 1000);
    const call = body.call as Record<string, unknown>;
    expect(call).to.deep.include({
      call_id: 'call-1',
      callflow_name: 'Sales',
      answered: true,
      talk_time_s: 60,
      answered_by: 'dev1',
      tags: ['google', 'paid'],
      attribution: { source: 'google', campaign: 'spring' },
      zip: '90210',
      rtb: { decision: { result: 'won', winner: 'b' }, connection: { status: 'answered' } },
      path: [{ module: 'ring_group', result: 'stop' }],
    });
    expect(call.recordings).to.deep.equal([{ media_id: 'm1', format: 'wav', url: 'https://pbx.example.com/v2/accounts/acc/media/m1/raw' }]);
    expect((call.voicemail as { url: string }).url).to.equal('https://pbx.example.com/v2/accounts/acc/vmboxes/box1/messages/vm1/raw');
    expect(call).to.not.have.any.keys('_id', 'trace');
  });

  it('an unanswered call without extras', () => {
    const call = postCallBody({ ...base, answered_at: null, attributes: {} }).call as Record<string, unknown>;
    expect(call).to.deep.include({ answered: false, talk_time_s: 0, answered_by: null, recordings: [], voicemail: null, tags: [], attribution: null });
    expect(call).to.not.have.any.keys('zip', 'rtb');
  });

  it('links are API paths without ARIFLOW_PUBLIC_URL', () => {
    const call = postCallBody(base).call as { recordings: Array<{ url: string }> };
    expect(call.recordings[0].url).to.equal('/v2/accounts/acc/media/m1/raw');
  });
});
