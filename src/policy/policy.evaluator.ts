import { fillMatchTemplate } from './match-template';
import { GenericCheck, PolicyRule } from './policy-rule';
import { pythonStr } from './python-values';

/** Attributes of the thing acted on; `%(key)s` placeholders are filled from here. */
export type PolicyTarget = Readonly<Record<string, unknown>>;

/** Who is acting, as Keystone-protected services pass it to oslo.policy. */
export interface PolicyCredentials {
  readonly roles?: readonly string[];
  readonly project_id?: string | null;
  readonly user_id?: string | null;
  readonly is_admin?: boolean;
  readonly [attribute: string]: unknown;
}

/** Where `rule:name` is looked up; a Map works, and so does a policy set with its default rule. */
export interface RuleLookup {
  get(name: string): PolicyRule | undefined;
}

/**
 * Decides a parsed rule the way oslo.policy does. Pure: the answer depends only on the arguments.
 * `rule:name` with no such rule denies; a chain of `rule:` references that comes back to a name
 * already being resolved denies too (oslo would recurse until Python gives up).
 */
export function evaluate(
  rule: PolicyRule,
  target: PolicyTarget,
  credentials: PolicyCredentials,
  rules: RuleLookup,
): boolean {
  return decide(rule, target, credentials, rules, []);
}

function decide(
  rule: PolicyRule,
  target: PolicyTarget,
  credentials: PolicyCredentials,
  rules: RuleLookup,
  resolving: readonly string[],
): boolean {
  switch (rule.type) {
    case 'always':
      return true;
    case 'never':
    case 'unsupported':
      return false;
    case 'not':
      return !decide(rule.rule, target, credentials, rules, resolving);
    case 'and':
      return rule.rules.every((r) => decide(r, target, credentials, rules, resolving));
    case 'or':
      return rule.rules.some((r) => decide(r, target, credentials, rules, resolving));
    case 'rule': {
      if (resolving.includes(rule.name)) return false;
      const referenced = rules.get(rule.name);
      return referenced !== undefined && decide(referenced, target, credentials, rules, [...resolving, rule.name]);
    }
    case 'role': {
      const role = fillMatchTemplate(rule.role, target);
      const roles = credentials.roles;
      if (role === undefined || !Array.isArray(roles)) return false;
      // oslo lower-cases both sides: a Keystone role "Admin" satisfies role:admin.
      const wanted = role.toLowerCase();
      return roles.some((held) => typeof held === 'string' && held.toLowerCase() === wanted);
    }
    case 'generic':
      return decideGeneric(rule, target, credentials);
  }
}

/** `str(creds[kind]) == match % target`, or `str(literal) == match % target`. */
function decideGeneric(check: GenericCheck, target: PolicyTarget, credentials: PolicyCredentials): boolean {
  const match = fillMatchTemplate(check.match, target);
  if (match === undefined) return false;
  if ('literal' in check.subject) return check.subject.literal === match;
  return credentialMatches(credentials, check.subject.credential, match);
}

/**
 * Follows a dotted path through the credentials. A list on the way is searched element by element,
 * as oslo's `_find_in_dict` does, so `roles:admin` as a generic check matches any held role.
 */
function credentialMatches(value: unknown, path: readonly string[], match: string): boolean {
  if (path.length === 0) return pythonStr(value) === match;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const [key, ...rest] = path;
  if (!Object.prototype.hasOwnProperty.call(value, key)) return false;
  const next = (value as Record<string, unknown>)[key];
  if (next === undefined) return false;
  if (Array.isArray(next)) return next.some((item) => credentialMatches(item, rest, match));
  return credentialMatches(next, rest, match);
}
