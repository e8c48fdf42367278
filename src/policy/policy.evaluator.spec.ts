import { PolicyRule } from './policy-rule';
import { parsePolicyRule } from './policy-rule.parser';
import { evaluate, PolicyCredentials, PolicyTarget } from './policy.evaluator';

const member: PolicyCredentials = { roles: ['member', 'reader'], project_id: 'p1', user_id: 'u1', is_admin: false };
const admin: PolicyCredentials = { roles: ['Admin'], project_id: 'p0', user_id: 'u0', is_admin: true };

function decide(
  text: string,
  credentials: PolicyCredentials,
  target: PolicyTarget = {},
  named: Record<string, string> = {},
): boolean {
  const rules = new Map<string, PolicyRule>(Object.entries(named).map(([n, t]) => [n, parsePolicyRule(t, n)]));
  return evaluate(parsePolicyRule(text), target, credentials, rules);
}

describe('policy evaluator', () => {
  it('always and never', () => {
    expect(decide('', {})).toBe(true);
    expect(decide('@', {})).toBe(true);
    expect(decide('!', admin)).toBe(false);
  });

  describe('role checks', () => {
    it('compare case-insensitively, as oslo lower-cases both sides', () => {
      expect(decide('role:admin', admin)).toBe(true);
      expect(decide('role:ADMIN', { roles: ['admin'] })).toBe(true);
      expect(decide('role:admin', member)).toBe(false);
    });

    it('deny without a roles list', () => {
      expect(decide('role:admin', { project_id: 'p1' })).toBe(false);
    });

    it('substitute the role name from the target', () => {
      expect(decide('role:%(required)s', member, { required: 'Member' })).toBe(true);
      expect(decide('role:%(required)s', member, {})).toBe(false);
    });
  });

  describe('generic checks', () => {
    it('compare a credential with a target attribute', () => {
      expect(decide('project_id:%(project_id)s', member, { project_id: 'p1' })).toBe(true);
      expect(decide('project_id:%(project_id)s', member, { project_id: 'p2' })).toBe(false);
      expect(decide('user_id:%(user_id)s', member, { user_id: 'u1' })).toBe(true);
    });

    it('deny when the target lacks the key (oslo catches the KeyError)', () => {
      expect(decide('project_id:%(project_id)s', member, {})).toBe(false);
    });

    it('deny when the credentials lack the attribute', () => {
      expect(decide('domain_id:%(domain_id)s', member, { domain_id: 'd1' })).toBe(false);
    });

    it('compare as Python strings: is_admin:True matches the boolean true', () => {
      expect(decide('is_admin:True', admin)).toBe(true);
      expect(decide('is_admin:True', member)).toBe(false);
      expect(decide('is_admin:False', member)).toBe(true);
      expect(decide('is_admin:true', admin)).toBe(false);
    });

    it('compare numbers by their Python text', () => {
      expect(decide('domain_id:20', { domain_id: 20 })).toBe(true);
      expect(decide('ratio:0.5', { ratio: 0.5 })).toBe(true);
      expect(decide('limit:%(limit)s', { limit: '10' }, { limit: 10 })).toBe(true);
    });

    it('compare constants on the right literally, quotes included', () => {
      expect(decide('project_id:xpto2035abc', { project_id: 'xpto2035abc' })).toBe(true);
      expect(decide("project_id:'abc'", { project_id: 'abc' })).toBe(false);
      expect(decide("project_id:'abc'", { project_id: "'abc'" })).toBe(true);
    });

    it('compare a literal on the left with the target', () => {
      expect(decide('True:%(user.enabled)s', {}, { 'user.enabled': true })).toBe(true);
      expect(decide('True:%(user.enabled)s', {}, { 'user.enabled': false })).toBe(false);
      expect(decide("'Member':%(role.name)s", {}, { 'role.name': 'Member' })).toBe(true);
      expect(decide('20:%(domain_id)s', {}, { domain_id: 20 })).toBe(true);
    });

    it('read dotted target keys flat first, then nested', () => {
      expect(decide('user_id:%(target.user.id)s', member, { 'target.user.id': 'u1' })).toBe(true);
      expect(decide('user_id:%(target.user.id)s', member, { target: { user: { id: 'u1' } } })).toBe(true);
      expect(decide('user_id:%(target.user.id)s', member, { target: { user: {} } })).toBe(false);
    });

    it('follow dotted credential paths and search lists on the way', () => {
      const creds = { token: { user: { id: 'u1' }, groups: [{ name: 'ops' }, { name: 'dev' }] }, roles: ['a', 'b'] };
      expect(decide('token.user.id:u1', creds)).toBe(true);
      expect(decide('token.groups.name:dev', creds)).toBe(true);
      expect(decide('token.groups.name:qa', creds)).toBe(false);
      expect(decide('roles:b', creds)).toBe(true);
      expect(decide('token.user.id.x:u1', creds)).toBe(false);
    });

    it('render null as None on both sides, as Python does', () => {
      expect(decide('project_id:%(project_id)s', { project_id: null }, { project_id: null })).toBe(true);
      expect(decide('project_id:None', { project_id: null })).toBe(true);
    });
  });

  describe('and, or, not', () => {
    it('combine checks', () => {
      expect(decide('role:admin or project_id:%(project_id)s', member, { project_id: 'p1' })).toBe(true);
      expect(decide('role:admin and project_id:%(project_id)s', member, { project_id: 'p1' })).toBe(false);
      expect(decide('not role:admin', member)).toBe(true);
      expect(decide('not role:admin', admin)).toBe(false);
      expect(decide('role:reader and not role:member', member)).toBe(false);
      expect(decide('role:admin or role:member and not is_admin:True', member)).toBe(true);
      expect(decide('(role:admin or role:member) and is_admin:True', member)).toBe(false);
    });
  });

  describe('rule references', () => {
    const named = {
      context_is_admin: 'role:admin',
      admin_or_owner: 'is_admin:True or project_id:%(project_id)s',
      owner_not_admin: 'rule:admin_or_owner and not rule:context_is_admin',
    };

    it('resolve through the rule set', () => {
      expect(decide('rule:admin_or_owner', member, { project_id: 'p1' }, named)).toBe(true);
      expect(decide('rule:admin_or_owner', member, { project_id: 'p2' }, named)).toBe(false);
      expect(decide('rule:admin_or_owner', admin, { project_id: 'p2' }, named)).toBe(true);
      expect(decide('rule:owner_not_admin', member, { project_id: 'p1' }, named)).toBe(true);
      expect(decide('rule:owner_not_admin', admin, { project_id: 'p0' }, named)).toBe(false);
    });

    it('deny an unknown rule name', () => {
      expect(decide('rule:nope', admin, {}, named)).toBe(false);
      expect(decide('not rule:nope', admin, {}, named)).toBe(true);
    });

    it('deny a reference cycle instead of recursing forever', () => {
      const cyclic = { a: 'rule:b', b: 'role:admin and rule:a', c: 'rule:c' };
      expect(decide('rule:a', admin, {}, cyclic)).toBe(false);
      expect(decide('rule:c', admin, {}, cyclic)).toBe(false);
      expect(decide('role:admin or rule:c', admin, {}, cyclic)).toBe(true);
    });

    it('allow the same rule twice on different branches (that is not a cycle)', () => {
      expect(decide('rule:context_is_admin and rule:context_is_admin', admin, {}, named)).toBe(true);
    });
  });

  it('denies http checks, which we do not call out to', () => {
    expect(decide('http://policy.example/check', admin)).toBe(false);
    expect(decide('role:admin or https://policy.example/check', admin)).toBe(true);
  });
});
