import { join } from 'node:path';
import { loadPolicyFile, parsePolicyDocument, PolicyFileError } from './policy-file.loader';
import { ZAQAR_DEFAULT_POLICY } from './zaqar-policy.defaults';

const REPO_POLICY = join(__dirname, '..', '..', 'policy.json');

function problemsOf(text: string): readonly string[] {
  try {
    parsePolicyDocument(text, 'test.json');
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyFileError);
    return (err as PolicyFileError).problems;
  }
  throw new Error('expected the document to be rejected');
}

describe('policy file loader', () => {
  it('rejects text that is not JSON', () => {
    expect(problemsOf('{"a": ')[0]).toMatch(/^not valid JSON/);
  });

  it('rejects a document that is not one object', () => {
    expect(problemsOf('["role:admin"]')).toEqual(['it must hold one JSON object mapping each action to a rule string']);
    expect(problemsOf('null')).toHaveLength(1);
  });

  it('rejects an empty file rather than reading it as "no overrides"', () => {
    expect(problemsOf('  \n')[0]).toMatch(/the file is empty/);
  });

  it('reports every value that is not a string and every rule that does not parse', () => {
    const problems = problemsOf('{"a": 1, "b": "role:admin and", "c": "", "d": ["role:admin"]}');
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('the rule for "a" must be a string, not 1');
    expect(problems[1]).toMatch(/^Policy rule "b"/);
    expect(problems[2]).toBe('the rule for "d" must be a string, not ["role:admin"]');
  });

  it('rejects rules that refer to each other in a loop', () => {
    expect(problemsOf('{"a": "rule:b", "b": "rule:a"}')).toEqual(['rules "a", "b" refer to each other in a loop']);
  });

  it('warns about undefined references and http checks but loads', () => {
    const { policy, warnings } = parsePolicyDocument(
      '{"a": "rule:nope", "b": "http://x.example/check or role:admin"}',
      'test.json',
    );
    expect(policy.names).toEqual(['a', 'b']);
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/"b" uses http:\/\/x\.example\/check/);
    expect(warnings.join('\n')).toMatch(/"a" refer to a rule that is not defined/);
  });

  it('lets the file override registered defaults and keeps the ones it does not mention', () => {
    const { policy } = parsePolicyDocument('{"queues:create": "role:admin"}', 'test.json', ZAQAR_DEFAULT_POLICY);
    const member = { roles: ['member'], project_id: 'p1' };
    expect(policy.isAllowed('queues:create', {}, member)).toBe(false);
    expect(policy.isAllowed('queues:delete', {}, member)).toBe(true);
    expect(policy.isAllowed('pools:create', {}, member)).toBe(false);
  });

  describe("the repository's policy.json (Zaqar 15 defaults)", () => {
    const { policy, warnings } = loadPolicyFile(REPO_POLICY);
    const admin = { roles: ['admin'], project_id: 'p1', user_id: 'u1', is_admin: false };
    const member = { roles: ['member'], project_id: 'p1', user_id: 'u1', is_admin: false };
    const reader = { roles: ['reader'], project_id: 'p1', user_id: 'u1', is_admin: false };
    const nobody = { roles: [], project_id: 'p1', user_id: 'u1', is_admin: false };
    // Zaqar enforces with an empty target: acl.enforce passes {}.
    const target = {};
    const adminOnly = [
      'health:get',
      'metrics:get',
      'pools:get_all',
      'pools:create',
      'pools:get',
      'pools:delete',
      'pools:update',
      'flavors:create',
      'flavors:delete',
      'flavors:update',
    ];

    it("loads cleanly and holds exactly the rules Zaqar registers, and this server's own three", () => {
      expect(warnings).toEqual([]);
      expect(policy.names.sort()).toEqual(Object.keys(ZAQAR_DEFAULT_POLICY).sort());
      expect(policy.names).toHaveLength(44 + 3);
      expect(policy.names).toEqual(
        expect.arrayContaining(['subscription:failed_get_all', 'subscription:failed_redrive', 'metrics:get']),
      );
    });

    it.each(adminOnly)('%s needs the admin role', (action) => {
      expect(policy.isAllowed(action, target, admin)).toBe(true);
      expect(policy.isAllowed(action, target, { ...member, roles: ['ADMIN'] })).toBe(true);
      expect(policy.isAllowed(action, target, member)).toBe(false);
      expect(policy.isAllowed(action, target, reader)).toBe(false);
      expect(policy.isAllowed(action, target, nobody)).toBe(false);
    });

    it('leaves every other action open to any caller, roles or not', () => {
      const open = policy.names.filter(
        (name) => name.includes(':') && !adminOnly.includes(name) && name !== 'context_is_admin',
      );
      expect(open).toHaveLength(33 + 2);
      for (const action of open) {
        for (const credentials of [admin, member, reader, nobody, {}]) {
          expect([action, policy.isAllowed(action, target, credentials)]).toEqual([action, true]);
        }
      }
    });

    it('denies an action it does not know: the file has no "default" rule', () => {
      expect(policy.isAllowed('queues:frobnicate', target, admin)).toBe(false);
    });

    it('defines admin_or_owner, which no action uses, and which needs the owner in the target', () => {
      expect(policy.isAllowed('admin_or_owner', target, member)).toBe(false);
      expect(policy.isAllowed('admin_or_owner', { project_id: 'p1' }, member)).toBe(true);
      expect(policy.isAllowed('admin_or_owner', { project_id: 'p2' }, { ...member, is_admin: true })).toBe(true);
      expect(policy.isAllowed('context_is_admin', target, admin)).toBe(true);
    });
  });
});
