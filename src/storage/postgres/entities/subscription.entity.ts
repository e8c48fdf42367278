import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Subscriptions; a subscriber is unique per queue (an expired row for it is replaced on create). */
@Entity({ name: 'subscriptions' })
@Index('subscriptions_subscriber_key', ['project', 'queue', 'subscriber'], { unique: true })
@Index('subscriptions_expires_idx', ['expires'])
export class SubscriptionEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'subscriptions_pkey' })
  project!: string;

  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'subscriptions_pkey' })
  queue!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'subscriptions_pkey' })
  id!: string;

  @Column({ type: 'text' })
  subscriber!: string;

  @Column({ type: 'bigint' })
  ttl!: string;

  @Column({ type: 'bigint' })
  created!: string;

  @Column({ type: 'bigint' })
  expires!: string;

  /** `json`, not `jsonb`, for the reasons given on MessageEntity.body. */
  @Column({ type: 'json' })
  options!: Record<string, unknown>;

  @Column({ type: 'boolean', default: false })
  confirmed!: boolean;

  @Column({ type: 'text' })
  secret!: string;
}
