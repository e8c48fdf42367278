import { Inject, Injectable, Module } from '@nestjs/common';
import { InvalidApiRequest } from '../../common/errors';
import type { Settings } from '../../config/settings';
import { SETTINGS } from '../../config/settings.module';
import type { DueDelivery, MessageRecord, Metadata, NewMessage } from '../../storage/storage.contract';
import { ageOf, checksumField, messageView, MessageView } from '../message-view';
import { BodyCipher } from './body-cipher';

/**
 * Message bodies between the API and storage: sealed on the way in for queues with
 * `_enable_encrypt_messages`, opened on the way out (views, pops, deliveries), and shown with
 * their checksum when enable_checksum is on. Every transport and the delivery job go through it.
 */
@Injectable()
export class MessageBodies {
  private readonly cipher: BodyCipher | null;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {
    const key = settings.messageEncryptionKey;
    this.cipher = key ? new BodyCipher(key) : null;
  }

  /** What a post stores for the queue with this metadata. */
  toStore(messages: NewMessage[], metadata: Metadata): NewMessage[] {
    if (metadata._enable_encrypt_messages !== true) return messages;
    if (!this.cipher) throw encryptionNotConfigured();
    const cipher = this.cipher;
    return messages.map((message) => ({ ...message, body: cipher.seal(message.body) }));
  }

  /** A queue may ask for encryption only where a key is configured. */
  checkEncryptable(metadata: Metadata): void {
    if (metadata._enable_encrypt_messages === true && !this.cipher) throw encryptionNotConfigured();
  }

  open(body: unknown): unknown {
    return this.cipher ? this.cipher.open(body) : body;
  }

  view(message: MessageRecord, queueHref: string, now: number, claimId?: string | null): MessageView {
    const shown = this.cipher ? { ...message, body: this.cipher.open(message.body) } : message;
    return messageView(shown, queueHref, now, {
      checksum: this.settings.enableChecksum,
      claimId,
    });
  }

  /** A popped message as Zaqar's pop answers it. */
  popped(message: MessageRecord, now: number) {
    const body = this.open(message.body);
    return {
      id: message.id,
      ttl: message.ttl,
      age: ageOf(message.created, now),
      body,
      claim_id: message.claimId,
      claim_count: message.claimCount,
      ...checksumField(body, this.settings.enableChecksum),
    };
  }

  delivery(delivery: DueDelivery): DueDelivery {
    if (!this.cipher) return delivery;
    return { ...delivery, message: { ...delivery.message, body: this.cipher.open(delivery.message.body) } };
  }
}

function encryptionNotConfigured(): InvalidApiRequest {
  return new InvalidApiRequest(
    '_enable_encrypt_messages needs message encryption configured on the server (message_encryption_key).',
  );
}

/** Imported by each module whose services read or write bodies; Nest makes one instance for all. */
@Module({ providers: [MessageBodies], exports: [MessageBodies] })
export class MessageBodiesModule {}
