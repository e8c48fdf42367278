import { PolicySet } from './policy-set';

const member = { roles: ['member'], project_id: 'p1' };
const admin = { roles: ['admin'], project_id: 'p0' };

describe('policy set', () => {
  it('decides an action by its own rule', () => {
    const policy = PolicySet.parse({ 'pools:create': 'role:admin', 'queues:create': '' });
    expect(policy.isAllowed('pools:create', {}, admin)).toBe(true);
    expect(policy.isAllowed('pools:create', {}, member)).toBe(false);
    expect(policy.isAllowed('queues:create', {}, member)).toBe(true);
  });

  it('falls back to the "default" rule for an action it does not list', () => {
    const policy = PolicySet.parse({ default: 'role:admin', 'queues:create': '' });
    expect(policy.isAllowed('topics:create', {}, admin)).toBe(true);
    expect(policy.isAllowed('topics:create', {}, member)).toBe(false);
  });

  it('denies an action it does not list when there is no "default" rule', () => {
    const policy = PolicySet.parse({ 'queues:create': '' });
    expect(policy.isAllowed('topics:create', {}, admin)).toBe(false);
  });

  it('resolves rule: references to missing names through "default" too, as oslo Rules.__missing__ does', () => {
    const withDefault = PolicySet.parse({ default: '@', 'queues:create': 'rule:typo' });
    expect(withDefault.isAllowed('queues:create', {}, member)).toBe(true);
    const without = PolicySet.parse({ 'queues:create': 'rule:typo' });
    expect(without.isAllowed('queues:create', {}, member)).toBe(false);
  });

  it('lists rules that refer to each other in a loop', () => {
    const policy = PolicySet.parse({ a: 'rule:b', b: 'rule:a or role:x', c: 'rule:a', d: 'role:admin', e: 'rule:e' });
    expect(policy.cyclicRules().sort()).toEqual(['a', 'b', 'c', 'e']);
    expect(PolicySet.parse({ default: 'rule:missing', x: '' }).cyclicRules()).toEqual(['default']);
    expect(PolicySet.parse({ a: 'rule:b and rule:b', b: '' }).cyclicRules()).toEqual([]);
  });

  it('lists rules that refer to undefined rules', () => {
    const policy = PolicySet.parse({ a: 'rule:b', b: 'not rule:nope', c: 'role:admin' });
    expect(policy.undefinedReferences()).toEqual(['b']);
  });
});
