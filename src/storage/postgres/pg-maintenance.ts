import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';

/** Rows written before the first ANALYZE, and the share of the table that triggers the next. */
const ANALYZE_BASE_ROWS = 500;
const ANALYZE_SCALE = 0.2;
/** ANALYZEs from one process start at least this far apart (autovacuum's naptime is a minute). */
const ANALYZE_EVERY_MS = 10_000;
/** Sweeps vacuum the churning tables at most this often. */
const VACUUM_EVERY_MS = 60_000;

/**
 * Whether enough rows were written since the last ANALYZE (which counted `rowsAtLastAnalyze`) for
 * the planner's picture of the table to be stale: the same rule autovacuum's autoanalyze follows,
 * and, like autovacuum (which looks once a minute), not more often than every ANALYZE_EVERY_MS.
 * Without that pause a queue filling fast from empty was analyzed more than once a second (21
 * ANALYZEs in one 15 s post10 run of the benchmark), each one sampling the whole table.
 */
export function analyzeDue(rowsWritten: number, rowsAtLastAnalyze: number, msSinceLastAnalyze: number): boolean {
  return (
    msSinceLastAnalyze >= ANALYZE_EVERY_MS &&
    rowsWritten >= ANALYZE_BASE_ROWS + ANALYZE_SCALE * Math.max(0, rowsAtLastAnalyze)
  );
}

/**
 * What autovacuum would do, done from here because this platform runs without it.
 *
 * Statistics matter more than usual: without them the planner guesses that `project = $1 AND
 * queue = $2` matches a handful of rows, and then claims a big queue by sorting all of it rather
 * than walking the primary key for the first few. So the driver ANALYZEs the messages table after
 * enough inserts. Deleted messages leave dead tuples that only VACUUM turns back into free space,
 * so the sweep also vacuums, now and then.
 *
 * Both use SKIP_LOCKED: when another node is already at it, leave it to that one. Failures (not
 * owning the tables, say) only mean no maintenance from here.
 */
export class PgMaintenance {
  private rowsWritten = 0;
  private rowsAtLastAnalyze = 0;
  private analyzing: Promise<void> | null = null;
  private lastAnalyze = -Infinity;
  private lastVacuum = -Infinity;

  constructor(private readonly pool: Pool) {}

  /** Called after rows were inserted into the messages table. */
  noteInserted(rows: number): void {
    this.rowsWritten += rows;
    const clock = performance.now();
    if (this.analyzing === null && analyzeDue(this.rowsWritten, this.rowsAtLastAnalyze, clock - this.lastAnalyze)) {
      this.lastAnalyze = clock;
      this.rowsWritten = 0;
      this.analyzing = this.analyze().finally(() => (this.analyzing = null));
    }
  }

  /**
   * At start: a messages table that was never analyzed (filled by an older process, or restored)
   * would be planned blind until this process had written enough rows itself.
   */
  async analyzeIfNeverAnalyzed(): Promise<void> {
    try {
      const { rows } = await this.pool.query<{ missing: boolean }>(
        `SELECT NOT EXISTS (SELECT 1 FROM pg_stats
                            WHERE schemaname = current_schema() AND tablename = 'messages' AND attname = 'queue')
                AS missing`,
      );
      if (rows[0]?.missing) await this.analyze();
    } catch {
      // see the class comment
    }
  }

  async vacuumIfDue(): Promise<void> {
    const clock = performance.now();
    if (clock - this.lastVacuum < VACUUM_EVERY_MS) return;
    this.lastVacuum = clock;
    try {
      await this.pool.query('VACUUM (ANALYZE, SKIP_LOCKED) messages, claims, queues');
      this.rowsAtLastAnalyze = await this.messageRowEstimate();
      this.rowsWritten = 0;
    } catch {
      // see the class comment
    }
  }

  /** Resolves when no maintenance statement is running (before the pool closes). */
  async idle(): Promise<void> {
    await this.analyzing;
  }

  private async analyze(): Promise<void> {
    try {
      await this.pool.query('ANALYZE (SKIP_LOCKED) messages');
      this.rowsAtLastAnalyze = await this.messageRowEstimate();
    } catch {
      // see the class comment
    }
  }

  private async messageRowEstimate(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'messages'::regclass`,
    );
    return Math.max(0, rows[0]?.n ?? 0);
  }
}
