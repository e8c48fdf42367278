/**
 * `describe` for a suite that needs something of the machine (`missing` says what it lacks, or is
 * null). Off CI a machine without it skips the suite with the reason; on CI (CI=true) nothing is
 * skipped: the suite runs, its set-up fails, and so does the suite.
 */
export function describeNeeding(missing: string | null, name: string, body: () => void): void {
  if (missing && process.env.CI !== 'true') describe.skip(`${name} (skipped: ${missing})`, body);
  else describe(name, body);
}
