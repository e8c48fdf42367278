/**
 * A parsed oslo.policy rule. Each check keeps the text it was parsed from (`kind:match`) so log
 * lines and errors can quote the operator's own words.
 */
export type PolicyRule =
  | { readonly type: 'always' } // "@", and the empty rule
  | { readonly type: 'never' } // "!"
  | { readonly type: 'rule'; readonly name: string }
  | { readonly type: 'role'; readonly role: MatchTemplate; readonly text: string }
  | GenericCheck
  | { readonly type: 'unsupported'; readonly text: string }
  | { readonly type: 'not'; readonly rule: PolicyRule }
  | { readonly type: 'and'; readonly rules: readonly PolicyRule[] }
  | { readonly type: 'or'; readonly rules: readonly PolicyRule[] };

/**
 * `kind:match` for any kind oslo has no special handler for. The kind is either a Python literal
 * (`True:%(user.enabled)s`, `'Member':%(role.name)s`), compared as its `str()`, or a dotted path
 * into the credentials (`project_id`, `token.user.id`).
 */
export interface GenericCheck {
  readonly type: 'generic';
  readonly subject: { readonly literal: string } | { readonly credential: readonly string[] };
  readonly match: MatchTemplate;
  readonly text: string;
}

/**
 * The right side of a check: literal text and `%(key)s` placeholders filled from the target, as
 * Python's `match % target` does.
 */
export type MatchTemplate = readonly (string | { readonly key: string })[];

/** The checks a rule is made of, with `and`, `or` and `not` taken apart (for load-time analysis). */
export function leafChecks(rule: PolicyRule): PolicyRule[] {
  switch (rule.type) {
    case 'not':
      return leafChecks(rule.rule);
    case 'and':
    case 'or':
      return rule.rules.flatMap(leafChecks);
    default:
      return [rule];
  }
}
