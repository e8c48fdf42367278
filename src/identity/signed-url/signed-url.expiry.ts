import { pythonRepr } from './python-repr';
import { SignedUrlError } from './signed-url.error';

/** Zaqar signs for one day unless told otherwise (zaqar/common/urls.py). */
export const DEFAULT_SIGNED_URL_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** When a signed URL stops working: UTC microseconds, and the text Zaqar signs and returns. */
export interface SignedUrlExpiry {
  readonly epochMicros: number;
  /** `%Y-%m-%dT%H:%M:%S` in UTC, no zone and no fraction, as Zaqar formats it. */
  readonly text: string;
}

/**
 * Zaqar's handling of `expires` in create_signed_url, step by step: an integer (or anything
 * Python's int() reads as a non-zero one) is refused, the rest goes through iso8601.parse_date
 * (zone-less means UTC), is shifted to UTC, must lie after `now`, and is printed without a zone
 * and without the fraction of a second, which is what the signature covers.
 */
export function resolveExpiry(expires: unknown, now: Date): SignedUrlExpiry {
  const nowMicros = now.getTime() * 1000;
  const epochMicros =
    expires === undefined || expires === null ? nowMicros + DEFAULT_SIGNED_URL_LIFETIME_MS * 1000 : parse(expires);
  if (epochMicros <= nowMicros) throw new SignedUrlError('`expires` is lower than the current time');
  return { epochMicros, text: formatUtc(epochMicros) };
}

function parse(expires: unknown): number {
  const integer = pythonInt(expires);
  if (integer) {
    throw new SignedUrlError(
      `\`expires\` should be date format, for example 2016-01-01T00:00:00, not integer value: ${integer}`,
    );
  }
  if (typeof expires !== 'string') {
    // What iso8601 says when handed a 0, 0.5 or False that got past the integer test. (A list or
    // an object makes Python's int() raise TypeError, which Zaqar answers with 500; we say this.)
    throw new SignedUrlError(`expected string or bytes-like object, got '${pythonTypeName(expires)}'`);
  }
  return parseIso8601(expires);
}

/**
 * Python's `int(value)` for a JSON value, or undefined where Python would raise. Non-ASCII digits,
 * which Python also reads, are left to the date parser, which refuses them too.
 */
function pythonInt(value: unknown): bigint | undefined {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value !== 'string') return undefined;
  const match = /^\s*([+-]?)([0-9]+(?:_[0-9]+)*)\s*$/.exec(value);
  if (!match) return undefined;
  const magnitude = BigInt(match[2].replace(/_/g, ''));
  return match[1] === '-' ? -magnitude : magnitude;
}

function pythonTypeName(value: unknown): string {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return value === null ? 'NoneType' : 'dict';
}

/**
 * The pattern of the iso8601 library (1.x) that oslo's parse_isotime uses. Python's `$` also
 * matches before a final newline, hence `\n?$`.
 */
const ISO8601 = new RegExp(
  String.raw`^(?<year>[0-9]{4})(((-(?<monthdash>[0-9]{1,2}))|(?<month>[0-9]{2})(?!\n?$))` +
    String.raw`(((-(?<daydash>[0-9]{1,2}))|(?<day>[0-9]{2}))` +
    String.raw`(((?<separator>[ T])(?<hour>[0-9]{2})(:?(?<minute>[0-9]{2}))?` +
    String.raw`(:?(?<second>[0-9]{1,2})([.,](?<fraction>[0-9]+))?)?` +
    String.raw`(?<timezone>Z|((?<tzSign>[-+])(?<tzHour>[0-9]{2}):?(?<tzMinute>[0-9]{2})?))?)?))?)?\n?$`,
);

/** Python's datetime covers years 1 to 9999; shifting by the offset can leave that range. */
const MIN_MICROS = startOfYear(1);
const MAX_MICROS = startOfYear(10000);

/** iso8601.parse_date followed by oslo's normalize_time, with Python's error texts. */
function parseIso8601(text: string): number {
  const m = ISO8601.exec(text);
  if (!m?.groups) throw new SignedUrlError(`Unable to parse date string ${pythonRepr(text)}`);
  const g = m.groups;
  const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
  const year = num(g.year, 0);
  const month = num(g.month ?? g.monthdash, 1);
  const day = num(g.day ?? g.daydash, 1);
  const hour = num(g.hour, 0);
  const minute = num(g.minute, 0);
  const second = num(g.second, 0);
  const micro = g.fraction === undefined ? 0 : Number(g.fraction.slice(0, 6).padEnd(6, '0'));

  // Python builds the zone before the datetime, so a bad offset is reported first.
  let offsetMinutes = 0;
  if (g.timezone !== undefined && g.timezone !== 'Z') {
    offsetMinutes = (Number(g.tzHour) * 60 + num(g.tzMinute, 0)) * (g.tzSign === '-' ? -1 : 1);
    if (Math.abs(offsetMinutes) >= 24 * 60) {
      throw new SignedUrlError(
        'offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), ' +
          `not ${timedeltaRepr(offsetMinutes * 60)}.`,
      );
    }
  }
  if (year < 1) throw new SignedUrlError(`year ${year} is out of range`);
  if (month < 1 || month > 12) throw new SignedUrlError('month must be in 1..12');
  if (day < 1 || day > daysInMonth(year, month)) throw new SignedUrlError('day is out of range for month');
  if (hour > 23) throw new SignedUrlError('hour must be in 0..23');
  if (minute > 59) throw new SignedUrlError('minute must be in 0..59');
  if (second > 59) throw new SignedUrlError('second must be in 0..59');

  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, 0);
  const utcMicros = local.getTime() * 1000 + micro - offsetMinutes * 60_000_000;
  if (utcMicros < MIN_MICROS || utcMicros >= MAX_MICROS) throw new SignedUrlError('date value out of range');
  return utcMicros;
}

function startOfYear(year: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, 0, 1);
  return date.getTime() * 1000;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Python's repr of timedelta(seconds=n): days may be negative, seconds never are. */
function timedeltaRepr(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86400);
  const seconds = totalSeconds - days * 86400;
  const parts = [days ? `days=${days}` : '', seconds ? `seconds=${seconds}` : ''].filter(Boolean);
  return `datetime.timedelta(${parts.join(', ') || '0'})`;
}

function formatUtc(epochMicros: number): string {
  const date = new Date(Math.floor(epochMicros / 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}
