import { Module } from '@nestjs/common';
import type { Settings } from '../../config/settings';
import { SETTINGS } from '../../config/settings.module';
import { MessageSignals, SIGNAL_CHANNEL } from './message-signals';
import { signalChannelFor } from './signal-channels';

/** Imported by the modules whose services post or wait; Nest makes one instance for all. */
@Module({
  providers: [
    MessageSignals,
    { provide: SIGNAL_CHANNEL, inject: [SETTINGS], useFactory: (settings: Settings) => signalChannelFor(settings) },
  ],
  exports: [MessageSignals],
})
export class MessageSignalsModule {}
