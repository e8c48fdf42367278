import { parseMatchTemplate } from './match-template';
import { PolicyRule } from './policy-rule';
import { pythonLiteralStr } from './python-values';

/**
 * A rule oslo.policy would not understand. oslo logs such rules and treats them as "deny"; we
 * refuse the whole policy file instead, so a typo cannot silently lock users out (or in).
 */
export class PolicyRuleSyntaxError extends Error {
  constructor(
    readonly ruleName: string,
    readonly ruleText: string,
    readonly reason: string,
  ) {
    super(`Policy rule "${ruleName}" (${JSON.stringify(ruleText)}) could not be parsed: ${reason}`);
  }
}

type Token =
  | { readonly kind: '(' | ')' | 'and' | 'or' | 'not'; readonly text: string }
  | { readonly kind: 'check'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string };

/**
 * Parses an oslo.policy rule string. Precedence is oslo's: `not` binds tighter than `and`, which
 * binds tighter than `or`; the keywords are case-insensitive. The empty rule allows everything.
 */
export function parsePolicyRule(text: string, ruleName = '<rule>'): PolicyRule {
  if (text === '') return { type: 'always' };
  const fail = (reason: string): never => {
    throw new PolicyRuleSyntaxError(ruleName, text, reason);
  };
  const tokens = tokenize(text);
  if (tokens.length === 0) fail('it holds only whitespace (oslo treats that as unparseable, not as the empty rule)');

  let pos = 0;
  const describe = (token: Token | undefined) => (token ? `"${token.text}"` : 'the end of the rule');

  const parseOr = (): PolicyRule => {
    const rules = [parseAnd()];
    while (tokens[pos]?.kind === 'or') {
      pos++;
      rules.push(parseAnd());
    }
    return rules.length === 1 ? rules[0] : { type: 'or', rules };
  };
  const parseAnd = (): PolicyRule => {
    const rules = [parseNot()];
    while (tokens[pos]?.kind === 'and') {
      pos++;
      rules.push(parseNot());
    }
    return rules.length === 1 ? rules[0] : { type: 'and', rules };
  };
  const parseNot = (): PolicyRule => {
    if (tokens[pos]?.kind !== 'not') return parseOperand();
    pos++;
    return { type: 'not', rule: parseNot() };
  };
  const parseOperand = (): PolicyRule => {
    const token = tokens[pos];
    if (token?.kind === '(') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.kind !== ')') fail(`expected ")" but found ${describe(tokens[pos])}`);
      pos++;
      return inner;
    }
    if (token?.kind === 'check') {
      pos++;
      return parseCheck(token.text, fail);
    }
    if (token?.kind === 'string') fail(`a quoted string ("${token.text}") is not a check`);
    return fail(`expected a check but found ${describe(token)}`);
  };

  const rule = parseOr();
  if (pos < tokens.length) fail(`unexpected ${describe(tokens[pos])}`);
  return rule;
}

/**
 * oslo's tokenizer: split on whitespace, then peel "(" off the front and ")" off the back of each
 * word. Parentheses inside a word stay part of the check, which is how `%(project_id)s` survives.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    const opened = word.replace(/^\(+/, '');
    for (let i = opened.length; i < word.length; i++) tokens.push({ kind: '(', text: '(' });
    if (!opened) continue;
    const body = opened.replace(/\)+$/, '');
    const lowered = body.toLowerCase();
    if (lowered === 'and' || lowered === 'or' || lowered === 'not') {
      tokens.push({ kind: lowered, text: body });
    } else if (body) {
      // oslo tests for quotes before peeling ")", so `'x')` is a (malformed) check, not a string.
      const quoted = opened.length >= 2 && (opened[0] === '"' || opened[0] === "'") && opened.at(-1) === opened[0];
      tokens.push(quoted ? { kind: 'string', text: opened.slice(1, -1) } : { kind: 'check', text: body });
    }
    for (let i = body.length; i < opened.length; i++) tokens.push({ kind: ')', text: ')' });
  }
  return tokens;
}

function parseCheck(text: string, fail: (reason: string) => never): PolicyRule {
  if (text === '@') return { type: 'always' };
  if (text === '!') return { type: 'never' };
  const colon = text.indexOf(':');
  if (colon < 0) return fail(`"${text}" is not a check (expected kind:match, "@" or "!")`);
  const kind = text.slice(0, colon);
  const match = text.slice(colon + 1);
  const template = () => {
    try {
      return parseMatchTemplate(match);
    } catch (err) {
      return fail((err as Error).message);
    }
  };
  switch (kind) {
    case 'rule':
      return { type: 'rule', name: match };
    case 'role':
      return { type: 'role', role: template(), text };
    case 'http':
    case 'https':
      // oslo's external checks POST the target to a URL and wait for "True"; we do not call out
      // from the request path, so such a check always denies (the loader warns about it).
      return { type: 'unsupported', text };
  }
  const literal = pythonLiteralStr(kind);
  if (literal === undefined && /^[uU]?['"]/.test(kind)) {
    fail(`the quoted literal ${kind} uses escapes or is not closed; write it without backslashes`);
  }
  return {
    type: 'generic',
    subject: literal !== undefined ? { literal } : { credential: kind.split('.') },
    match: template(),
    text,
  };
}
