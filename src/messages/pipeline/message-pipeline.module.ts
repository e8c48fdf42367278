import { DynamicModule, Global, Module, Provider, Type } from '@nestjs/common';
import * as path from 'node:path';
import { MESSAGE_STAGES, MessageStage } from './message-stage';
import { NotifierStage } from './notifier.stage';

/** Built-in stages by the names zaqar.conf uses. */
const BUILT_IN: Record<string, Type<MessageStage>> = { 'zaqar.notification.notifier': NotifierStage };

export class UnknownMessageStage extends Error {}

/**
 * Builds the pipeline from configuration. A name is a built-in stage or the path of a JavaScript
 * module (relative to the working directory) whose default or `stage` export is a class
 * implementing MessageStage; each stage is a Nest provider, so it may inject anything the
 * application exports (settings, stores).
 */
@Global()
@Module({})
export class MessagePipelineModule {
  static forRoot(names: string[]): DynamicModule {
    const stages = names.map(stageClass);
    const pipeline: Provider = {
      provide: MESSAGE_STAGES,
      useFactory: (...instances: MessageStage[]) => instances,
      inject: stages,
    };
    return { module: MessagePipelineModule, providers: [...stages, pipeline], exports: [MESSAGE_STAGES] };
  }
}

function stageClass(name: string): Type<MessageStage> {
  const builtIn = BUILT_IN[name];
  if (builtIn) return builtIn;
  let loaded: { default?: unknown; stage?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(path.resolve(name));
  } catch (error) {
    throw new UnknownMessageStage(`message_pipeline stage "${name}" is neither built in nor loadable: ${error}`);
  }
  const found = loaded.default ?? loaded.stage;
  if (typeof found !== 'function' || typeof found.prototype?.beforePost !== 'function') {
    throw new UnknownMessageStage(`message_pipeline stage "${name}" exports no class with a beforePost method`);
  }
  return found as Type<MessageStage>;
}
