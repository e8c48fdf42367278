import type { Framing } from './http-cases';
import type { Outcome, WireRequest } from './http-send';
import type { SocketOutcome } from './socket-send';

/** Framings after which the server may close without answering: it never got a whole request. */
const MAY_CLOSE: readonly Framing[] = ['cut-short', 'bad-length', 'bad-chunked', 'garbage'];

function isZaqarErrorBody(text: string): boolean {
  try {
    const body = JSON.parse(text);
    return typeof body?.title === 'string' && body.title.length > 0 && typeof body.description === 'string';
  } catch {
    return false;
  }
}

/**
 * What is wrong with an HTTP outcome, if anything: a 5xx, an error without Zaqar's body, no answer
 * in time, or a connection dropped (or refused) where a whole request was sent.
 */
export function httpVerdict(w: WireRequest, outcome: Outcome): string | undefined {
  switch (outcome.kind) {
    case 'timeout':
      return `no answer in time (${outcome.via})`;
    case 'refused':
      return `connection refused: is the server down? (${outcome.detail})`;
    case 'closed':
      return MAY_CLOSE.includes(w.framing) ? undefined : `closed without an answer (${outcome.via}: ${outcome.detail})`;
    case 'answer': {
      const { status, body } = outcome.answer;
      const text = body.toString('utf8');
      if (status >= 500) return `answered ${status}: ${text.slice(0, 300)}`;
      if (status >= 400 && w.method.toUpperCase() !== 'HEAD' && !isZaqarErrorBody(text) && !onSocketIoPath(w)) {
        return `answered ${status} without Zaqar's error body: ${text.slice(0, 300)}`;
      }
      return undefined;
    }
  }
}

/**
 * Socket.IO's path answers its handshake refusals in its own words (engine.io's `{code, message}`,
 * the WebSocket library's plain text), which its clients read: the transport's protocol, not the API's.
 */
function onSocketIoPath(w: WireRequest): boolean {
  const target = w.framing === 'garbage' ? ((w.framingDetail ?? '').split(' ')[1] ?? '') : w.target;
  return target.startsWith('/socket.io/');
}

const statusOf = (answer: any): unknown => answer?.headers?.status;

/** A socket answer is Zaqar's envelope with a status below 500; a close is fine only where the protocol closes. */
export function socketVerdict(outcome: SocketOutcome, mayClose: boolean): string | undefined {
  switch (outcome.kind) {
    case 'timeout':
      return 'no answer in time';
    case 'refused':
      return `no connection: is the server down? (${outcome.detail})`;
    case 'unsent':
      return undefined;
    case 'closed':
      return mayClose ? undefined : `the server closed the connection (${outcome.detail})`;
    case 'answer':
      for (const answer of [outcome.answer, ...(outcome.others ?? [])]) {
        const status = statusOf(answer);
        if (typeof status !== 'number' || !answer.request)
          return `not Zaqar's answer envelope: ${JSON.stringify(answer).slice(0, 300)}`;
        if (status >= 500) return `answered ${status}: ${JSON.stringify(answer.body).slice(0, 300)}`;
      }
      return undefined;
  }
}

export interface Violation {
  channel: string;
  /** The operation or action, and the seed of the run that found it. */
  where: string;
  what: string;
  /** The request as sent, shortened. */
  input: string;
}

/** What kinds of outcome a channel saw, counted. */
type Counts = Record<string, number>;

/** Counts of one fuzzing run: requests tried, answers by status class, and every violation. */
export class Tally {
  readonly tried: Counts = {};
  readonly outcomes: Counts = {};
  readonly covered = new Set<string>();
  readonly violations: Violation[] = [];
  violationCount = 0;
  fiveHundreds = 0;

  record(channel: string, where: string, outcome: string, violation: string | undefined, input: () => string): void {
    this.tried[channel] = (this.tried[channel] ?? 0) + 1;
    this.outcomes[`${channel} ${outcome}`] = (this.outcomes[`${channel} ${outcome}`] ?? 0) + 1;
    this.covered.add(`${channel} ${where}`);
    if (/^answered 5\d\d/.test(violation ?? '')) this.fiveHundreds++;
    if (violation === undefined) return;
    this.violationCount++;
    if (this.violations.length < 40)
      this.violations.push({ channel, where, what: violation, input: input().slice(0, 600) });
  }

  get total(): number {
    return Object.values(this.tried).reduce((sum, n) => sum + n, 0);
  }

  summary(label: string): string {
    const channels = Object.entries(this.tried)
      .map(([channel, n]) => `${channel} ${n}`)
      .join(', ');
    const outcomes = Object.entries(this.outcomes)
      .sort()
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    return `${label}: ${this.total} requests tried (${channels}); ${this.fiveHundreds} answered 5xx; ${this.violationCount} violations\n  outcomes: ${outcomes}`;
  }
}

/** A short name for an outcome, for the counts: "2xx", "4xx", "closed", ... */
export function outcomeClass(outcome: Outcome | SocketOutcome): string {
  if (outcome.kind !== 'answer') return outcome.kind;
  const status = 'via' in outcome ? outcome.answer.status : statusOf(outcome.answer);
  return typeof status === 'number' ? `${String(status)[0]}xx` : 'odd';
}
