/**
 * A LIMIT taken from a bound parameter: `LIMIT ${boundLimit('@limit')}`.
 *
 * Written bare (`LIMIT ?`), the SQLite that better-sqlite3 12 bundles (3.53) plans with the bound
 * value and so marks the statement expired whenever a value is bound to that parameter.
 * better-sqlite3 binds on every run, so every run parsed and planned the statement again. Inside a
 * CAST the limit is an expression read at run time, and the statement keeps its one plan (the plans
 * here are fixed by INDEXED BY and key order anyway). Measured on claim 10 + delete over a queue of
 * 500,000 messages: 16% less CPU per cycle.
 */
export function boundLimit(param = '?'): string {
  return `CAST(${param} AS INTEGER)`;
}
