import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Messages of every queue. Times are ms since the epoch, TTLs seconds.
 *
 * Indexes: the primary key (project, queue, seq) is the queue order every hot scan walks (from the
 * queue's known head, see pg-queue-heads); (project, queue, id) finds messages by id; `expires`
 * serves the sweep. The claim columns are deliberately in no index and the table keeps free space
 * on each page (fillfactor, set in the migration), so claiming and releasing are HOT updates that
 * add no index entries: autovacuum cannot be assumed on this platform.
 *
 * `body` is `json`, not `jsonb`: it is never queried, `json` keeps the sender's key order and
 * accepts any string JSON can carry (jsonb refuses `\u0000`).
 */
@Entity({ name: 'messages' })
@Index('messages_queue_id_key', ['project', 'queue', 'id'], { unique: true })
@Index('messages_expires_idx', ['expires'])
export class MessageEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'messages_pkey' })
  project!: string;

  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'messages_pkey' })
  queue!: string;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'messages_pkey' })
  seq!: string;

  @Column({ type: 'uuid' })
  id!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ type: 'json' })
  body!: unknown;

  @Column({ type: 'integer' })
  ttl!: number;

  @Column({ type: 'bigint' })
  created!: string;

  @Column({ type: 'bigint' })
  expires!: string;

  @Column({ name: 'delay_until', type: 'bigint' })
  delayUntil!: string;

  @Column({ name: 'claim_id', type: 'uuid', nullable: true })
  claimId!: string | null;

  @Column({ name: 'claim_expires', type: 'bigint', nullable: true })
  claimExpires!: string | null;

  @Column({ name: 'claim_count', type: 'integer', default: 0 })
  claimCount!: number;
}
