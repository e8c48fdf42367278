import { DynamicModule, Module, Provider } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import type { Settings } from '../config/settings';
import { NoAuthStrategy } from './strategies/noauth.strategy';
import { SignedUrlStrategy } from './strategies/signed-url.strategy';

/** Registers the passport strategies the configured auth mode needs; signed URLs work in every mode. */
@Module({})
export class IdentityModule {
  static forRoot(settings: Settings): DynamicModule {
    const strategies: Provider[] = [SignedUrlStrategy];
    if (settings.authStrategy === 'noauth') strategies.push(NoAuthStrategy);
    return { module: IdentityModule, imports: [PassportModule], providers: strategies };
  }
}
