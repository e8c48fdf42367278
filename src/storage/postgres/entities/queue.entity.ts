import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per queue. `last_seq` is the queue's message counter: a post takes its sequence numbers
 * from it under the row lock, which is what serialises sequence assignment with commit.
 *
 * Deleting a queue deletes its row. A new row's counter starts at the database clock in µs
 * (FIRST_SEQ), so a queue created again under an old name numbers its messages above every seq of
 * its earlier life: an old marker cannot hide them, and a known queue head stays true (see
 * pg-queue-heads). Bigint columns come back from pg as strings.
 */
@Entity({ name: 'queues' })
export class QueueEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'queues_pkey' })
  project!: string;

  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'queues_pkey' })
  name!: string;

  /** `json`, not `jsonb`, for the reasons given on MessageEntity.body. */
  @Column({ type: 'json' })
  metadata!: Record<string, unknown>;

  @Column({ type: 'bigint' })
  created!: string;

  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq!: string;
}
