import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Claims. `message_ids` lists what the claim took, so finding a claim's messages goes through the
 * messages' id index instead of an index on `messages.claim_id` (which would make every claim
 * update a non-HOT one). A listed message belongs to the claim only while its `claim_id` still
 * says so.
 */
@Entity({ name: 'claims' })
@Index('claims_expires_idx', ['expires'])
export class ClaimEntity {
  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'claims_pkey' })
  project!: string;

  @PrimaryColumn({ type: 'text', collation: 'C', primaryKeyConstraintName: 'claims_pkey' })
  queue!: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'claims_pkey' })
  id!: string;

  @Column({ type: 'integer' })
  ttl!: number;

  @Column({ type: 'integer' })
  grace!: number;

  @Column({ type: 'bigint' })
  updated!: string;

  @Column({ type: 'bigint' })
  expires!: string;

  @Column({ name: 'message_ids', type: 'uuid', array: true })
  messageIds!: string[];
}
