import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per queue. `last_seq` is the queue's message counter: a post takes its sequence numbers
 * from it under the row lock, which is what serialises sequence assignment with commit.
 *
 * Deleting a queue keeps its row as a tombstone (metadata null), so that `last_seq` never goes back:
 * sequence numbers are never reused, an old marker cannot hide the messages of a re-created queue,
 * and a known queue head stays true (see pg-queue-heads). Creating or posting revives it.
 * Bigint columns come back from pg as strings.
 */
@Entity({ name: 'queues' })
export class QueueEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'queues_pkey' })
  project!: string;

  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'queues_pkey' })
  name!: string;

  /** Null for a deleted queue. `json`, not `jsonb`, for the reasons given on MessageEntity.body. */
  @Column({ type: 'json', nullable: true })
  metadata!: Record<string, unknown> | null;

  @Column({ type: 'bigint' })
  created!: string;

  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq!: string;
}
