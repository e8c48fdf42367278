import { PolicyRule } from './policy-rule';

/**
 * A rule written back the way oslo.policy prints its check trees (`(a and not b)`), for log lines
 * and for comparing our parse with oslo's.
 */
export function formatPolicyRule(rule: PolicyRule): string {
  switch (rule.type) {
    case 'always':
      return '@';
    case 'never':
      return '!';
    case 'rule':
      return `rule:${rule.name}`;
    case 'role':
    case 'generic':
    case 'unsupported':
      return rule.text;
    case 'not':
      return `not ${formatPolicyRule(rule.rule)}`;
    case 'and':
    case 'or':
      return `(${rule.rules.map(formatPolicyRule).join(` ${rule.type} `)})`;
  }
}
