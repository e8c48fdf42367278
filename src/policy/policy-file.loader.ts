import { readFileSync } from 'node:fs';
import { leafChecks, PolicyRule } from './policy-rule';
import { parsePolicyRule, PolicyRuleSyntaxError } from './policy-rule.parser';
import { PolicySet } from './policy-set';

/** A policy file we refuse, with every problem found so one edit can fix them all. */
export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`Policy file ${file} is invalid: ${problems.join('; ')}`);
  }
}

export interface LoadedPolicy {
  readonly policy: PolicySet;
  /** Things oslo would also only warn about: they load, but probably not as meant. */
  readonly warnings: readonly string[];
}

/** Reads and checks a policy file; see parsePolicyDocument. */
export function loadPolicyFile(file: string, defaults: Readonly<Record<string, string>> = {}): LoadedPolicy {
  return parsePolicyDocument(readFileSync(file, 'utf8'), file, defaults);
}

/**
 * Turns the text of a JSON policy file (`{"action": "rule", ...}`) into a policy set. Rules the file
 * does not mention come from `defaults`, as oslo adds the rules a service registers in code.
 * Unlike oslo, which logs a rule it cannot parse and denies it, any bad rule rejects the file:
 * the caller keeps the policy it had. So do rules that refer to each other in a loop (oslo only
 * warns, then fails with a RecursionError on the first request that reaches them) and an empty
 * file (oslo reads it as "no overrides"; while an editor rewrites a file it is more likely a
 * half-written one).
 */
export function parsePolicyDocument(
  text: string,
  file: string,
  defaults: Readonly<Record<string, string>> = {},
): LoadedPolicy {
  const document = parseJson(text, file);
  const problems: string[] = [];
  const warnings: string[] = [];
  const rules = new Map<string, PolicyRule>();
  for (const [name, ruleText] of Object.entries(defaults)) rules.set(name, parsePolicyRule(ruleText, name));
  for (const [name, ruleText] of Object.entries(document)) {
    if (typeof ruleText !== 'string') {
      problems.push(`the rule for "${name}" must be a string, not ${JSON.stringify(ruleText)}`);
      continue;
    }
    try {
      const rule = parsePolicyRule(ruleText, name);
      rules.set(name, rule);
      const unsupported = unsupportedChecks(rule);
      if (unsupported.length) {
        warnings.push(`"${name}" uses ${unsupported.join(', ')}: external http(s) checks are not supported and deny`);
      }
    } catch (err) {
      if (!(err instanceof PolicyRuleSyntaxError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length) throw new PolicyFileError(file, problems);

  const policy = new PolicySet(rules);
  const cyclic = policy.cyclicRules();
  if (cyclic.length) {
    throw new PolicyFileError(file, [`rules ${quoteAll(cyclic)} refer to each other in a loop`]);
  }
  const undefinedRefs = policy.undefinedReferences();
  if (undefinedRefs.length) {
    warnings.push(
      `rules ${quoteAll(undefinedRefs)} refer to a rule that is not defined (that reference means the "default" rule, or deny without one)`,
    );
  }
  return { policy, warnings };
}

function parseJson(text: string, file: string): Record<string, unknown> {
  if (text.trim() === '') throw new PolicyFileError(file, ['the file is empty (write {} for "no overrides")']);
  let document: unknown;
  try {
    // Python's reader (oslo falls back to YAML) accepts a byte-order mark some Windows editors add.
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new PolicyFileError(file, [`not valid JSON (${(err as Error).message})`]);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new PolicyFileError(file, ['it must hold one JSON object mapping each action to a rule string']);
  }
  return document as Record<string, unknown>;
}

function unsupportedChecks(rule: PolicyRule): string[] {
  return leafChecks(rule).flatMap((check) => (check.type === 'unsupported' ? [check.text] : []));
}

function quoteAll(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
