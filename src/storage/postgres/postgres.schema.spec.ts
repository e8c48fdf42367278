import { POSTGRES_SESSION_OPTIONS, withSessionOptions } from './postgres.schema';

describe('withSessionOptions', () => {
  it('adds the session options to a URL, after any the URL already has', () => {
    const plain = new URL(withSessionOptions('postgres://postgres@127.0.0.1:5432/zaqar'));
    expect(plain.searchParams.get('options')).toBe(POSTGRES_SESSION_OPTIONS);
    expect(plain.pathname).toBe('/zaqar');

    const theirs = new URL(
      withSessionOptions('postgres://u:p%40ss@db/zaqar?sslmode=require&options=-c%20work_mem%3D8MB'),
    );
    expect(theirs.searchParams.get('options')).toBe(`-c work_mem=8MB ${POSTGRES_SESSION_OPTIONS}`);
    expect(theirs.searchParams.get('sslmode')).toBe('require');
    expect(theirs.password).toBe('p%40ss');
  });

  it('leaves what is not a URL alone', () => {
    expect(withSessionOptions('not a url')).toBe('not a url');
  });
});
