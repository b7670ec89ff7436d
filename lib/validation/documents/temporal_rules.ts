// Schema of a temporal rule: a recurring time window used by temporal_route.
import type { JsonSchema } from '../../engine/module.ts';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'wensday', 'thursday', 'friday', 'saturday', 'sunday'];
const secondOfDay: JsonSchema = { type: 'integer', minimum: 0, maximum: 86400 };

export const temporalRulesSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'cycle'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    cycle: { type: 'string', enum: ['date', 'daily', 'weekly', 'monthly', 'yearly'] },
    interval: { type: 'integer', minimum: 1 },
    start_date: { type: 'integer', minimum: 0, description: 'Gregorian seconds (Unix + 62167219200).' },
    time_window_start: secondOfDay,
    time_window_stop: secondOfDay,
    wdays: { type: 'array', items: { type: 'string', enum: WEEKDAYS } },
    days: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 31 } },
    ordinal: { type: 'string', enum: ['every', 'first', 'second', 'third', 'fourth', 'fifth', 'last'] },
    month: { type: 'integer', minimum: 1, maximum: 12 },
    enabled: { type: 'boolean', description: 'Absent: follow the schedule; true/false: forced on/off.' },
    flags: { type: 'array', items: { type: 'string' } },
  },
  // Monthly/yearly rules by weekday ("4th Thursday") need exactly one weekday: Kazoo fails on a list.
  if: {
    required: ['cycle', 'wdays'],
    properties: { cycle: { enum: ['monthly', 'yearly'] }, days: { maxItems: 0 } },
  },
  then: { properties: { wdays: { maxItems: 1 } } },
};
