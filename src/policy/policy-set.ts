import { leafChecks, PolicyRule } from './policy-rule';
import { parsePolicyRule } from './policy-rule.parser';
import { evaluate, PolicyCredentials, PolicyTarget, RuleLookup } from './policy.evaluator';

/** oslo's `policy_default_rule`: what a name missing from the rules falls back to. */
export const DEFAULT_RULE = 'default';

/**
 * A complete set of parsed rules, keyed by action ("queues:create") or helper name
 * ("admin_or_owner"). Immutable: a reload builds a new set and swaps it in whole.
 */
export class PolicySet implements RuleLookup {
  constructor(private readonly rules: ReadonlyMap<string, PolicyRule>) {}

  /** Parses `{name: rule text}`; throws PolicyRuleSyntaxError naming the first bad rule. */
  static parse(document: Readonly<Record<string, string>>): PolicySet {
    return new PolicySet(new Map(Object.entries(document).map(([name, text]) => [name, parsePolicyRule(text, name)])));
  }

  get names(): string[] {
    return [...this.rules.keys()];
  }

  /**
   * The rule for a name, or the `default` rule when the name is missing (oslo's Rules.__missing__,
   * which applies to actions and to `rule:` references alike), or undefined: deny.
   */
  get(name: string): PolicyRule | undefined {
    return this.rules.get(name) ?? this.rules.get(DEFAULT_RULE);
  }

  isAllowed(action: string, target: PolicyTarget, credentials: PolicyCredentials): boolean {
    const rule = this.get(action);
    return rule !== undefined && evaluate(rule, target, credentials, this);
  }

  /**
   * Names that are on, or lead into, a loop of `rule:` references. A missing name resolves to the
   * default rule, so `"default": "rule:typo"` loops too.
   */
  cyclicRules(): string[] {
    const leadsToCycle = new Map<string, boolean>();
    const onPath = new Set<string>();
    const visit = (name: string): boolean => {
      if (onPath.has(name)) return true;
      const known = leadsToCycle.get(name);
      if (known !== undefined) return known;
      const rule = this.rules.get(name);
      if (rule === undefined) return false;
      onPath.add(name);
      const cyclic = references(rule).some((ref) => visit(this.rules.has(ref) ? ref : DEFAULT_RULE));
      onPath.delete(name);
      leadsToCycle.set(name, cyclic);
      return cyclic;
    };
    return this.names.filter(visit);
  }

  /** Names that reference a rule that does not exist (oslo warns about these at load). */
  undefinedReferences(): string[] {
    return this.names.filter((name) => references(this.rules.get(name)!).some((ref) => !this.rules.has(ref)));
  }
}

function references(rule: PolicyRule): string[] {
  return leafChecks(rule).flatMap((check) => (check.type === 'rule' ? [check.name] : []));
}
