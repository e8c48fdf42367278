import { formatPolicyRule } from './policy-rule.format';
import { parsePolicyRule, PolicyRuleSyntaxError } from './policy-rule.parser';

const shape = (text: string) => formatPolicyRule(parsePolicyRule(text));

describe('policy rule parser', () => {
  it('reads the empty rule as "always", as oslo does', () => {
    expect(parsePolicyRule('')).toEqual({ type: 'always' });
  });

  it('reads "@" as always and "!" as never', () => {
    expect(parsePolicyRule('@')).toEqual({ type: 'always' });
    expect(parsePolicyRule('!')).toEqual({ type: 'never' });
  });

  it('reads role, rule and generic checks', () => {
    expect(parsePolicyRule('role:admin')).toEqual({ type: 'role', role: ['admin'], text: 'role:admin' });
    expect(parsePolicyRule('rule:admin_or_owner')).toEqual({ type: 'rule', name: 'admin_or_owner' });
    expect(parsePolicyRule('project_id:%(project_id)s')).toEqual({
      type: 'generic',
      subject: { credential: ['project_id'] },
      match: [{ key: 'project_id' }],
      text: 'project_id:%(project_id)s',
    });
    expect(parsePolicyRule('token.user.id:%(target.user.id)s')).toMatchObject({
      subject: { credential: ['token', 'user', 'id'] },
      match: [{ key: 'target.user.id' }],
    });
  });

  it('reads Python literals on the left as constants', () => {
    expect(parsePolicyRule('True:%(user.enabled)s')).toMatchObject({ subject: { literal: 'True' } });
    expect(parsePolicyRule("'Member':%(role.name)s")).toMatchObject({ subject: { literal: 'Member' } });
    expect(parsePolicyRule('"Member":%(role.name)s')).toMatchObject({ subject: { literal: 'Member' } });
    expect(parsePolicyRule('20:%(domain_id)s')).toMatchObject({ subject: { literal: '20' } });
    expect(parsePolicyRule('1e3:%(n)s')).toMatchObject({ subject: { literal: '1000.0' } });
  });

  it('keeps quotes on the right side: oslo compares them literally', () => {
    expect(parsePolicyRule("project_id:'abc'")).toMatchObject({ match: ["'abc'"] });
    expect(parsePolicyRule('is_admin:True')).toMatchObject({ subject: { credential: ['is_admin'] }, match: ['True'] });
    expect(parsePolicyRule('domain_id:20')).toMatchObject({ match: ['20'] });
  });

  it('splits the kind at the first colon only', () => {
    expect(parsePolicyRule('role:compute:admin')).toMatchObject({ role: ['compute:admin'] });
  });

  it('reads %% as a literal percent sign', () => {
    expect(parsePolicyRule('quota:100%%')).toMatchObject({ match: ['100%'] });
  });

  it('parses http checks to a check that always denies', () => {
    expect(parsePolicyRule('http://policy.example/check')).toEqual({
      type: 'unsupported',
      text: 'http://policy.example/check',
    });
  });

  describe('precedence: not > and > or', () => {
    it.each([
      ['a:1 or b:2 and c:3', '(a:1 or (b:2 and c:3))'],
      ['a:1 and b:2 or c:3', '((a:1 and b:2) or c:3)'],
      ['a:1 and b:2 or c:3 and d:4', '((a:1 and b:2) or (c:3 and d:4))'],
      ['a:1 or b:2 and c:3 and d:4 or e:5', '(a:1 or (b:2 and c:3 and d:4) or e:5)'],
      ['not a:1 and b:2', '(not a:1 and b:2)'],
      ['a:1 and not b:2 or c:3', '((a:1 and not b:2) or c:3)'],
      ['not not a:1', 'not not a:1'],
      ['a:1 or b:2 or c:3', '(a:1 or b:2 or c:3)'],
    ])('%s', (text, expected) => {
      expect(shape(text)).toBe(expected);
    });
  });

  describe('parentheses', () => {
    it.each([
      ['(a:1 or b:2) and c:3', '((a:1 or b:2) and c:3)'],
      ['not (a:1 and b:2)', 'not (a:1 and b:2)'],
      ['((role:admin))', 'role:admin'],
      ['( role:admin )', 'role:admin'],
      [
        'role:admin or (project_id:%(project_id)s and role:projectadmin)',
        '(role:admin or (project_id:%(project_id)s and role:projectadmin))',
      ],
    ])('%s', (text, expected) => {
      expect(shape(text)).toBe(expected);
    });

    it('keeps parentheses inside a word as part of the check', () => {
      expect(parsePolicyRule('(user_id:%(user_id)s)')).toMatchObject({ match: [{ key: 'user_id' }] });
    });
  });

  it('treats keywords case-insensitively', () => {
    expect(shape('a:1 AND b:2 Or NOT c:3')).toBe('((a:1 and b:2) or not c:3)');
  });

  describe('errors name the rule', () => {
    it.each([
      ['role:admin and', /expected a check but found the end of the rule/],
      ['and role:admin', /expected a check but found "and"/],
      ['role:a role:b', /unexpected "role:b"/],
      ['(role:admin', /expected "\)" but found the end/],
      ['role:admin)', /unexpected "\)"/],
      ['()', /expected a check but found "\)"/],
      ['admin', /"admin" is not a check/],
      ["'role:admin'", /a quoted string/],
      ['   ', /only whitespace/],
      ['project_id:%(project_id)d', /unsupported format "%\(project_id\)d"/],
      ['project_id:%s', /unsupported format "%s"/],
      ['project_id:%(project_id', /unclosed/],
      ["'a\\'b':%(x)s", /quoted literal/],
    ])('%j', (text, reason) => {
      let error: unknown;
      try {
        parsePolicyRule(text, 'queues:create');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(PolicyRuleSyntaxError);
      expect((error as PolicyRuleSyntaxError).ruleName).toBe('queues:create');
      expect((error as Error).message).toMatch(/^Policy rule "queues:create"/);
      expect((error as Error).message).toMatch(reason);
    });
  });
});
