import { DynamicModule, Module, Provider } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import type { Settings } from '../config/settings';
import { IdentityGuard } from './identity.guard';
import { KeystoneClient, loadKeystoneSettings } from './keystone';
import { KEYSTONE_SETTINGS, KeystoneStrategy } from './strategies/keystone.strategy';
import { NoAuthStrategy } from './strategies/noauth.strategy';
import { SignedUrlStrategy } from './strategies/signed-url.strategy';

/**
 * Registers the passport strategies the configured auth mode needs; signed URLs work in every mode.
 * With Keystone, its client is there for any module to inject (optionally).
 */
@Module({})
export class IdentityModule {
  static forRoot(settings: Settings): DynamicModule {
    const strategies: Provider[] = [SignedUrlStrategy];
    const exported: Provider[] = [IdentityGuard];
    if (settings.authStrategy === 'noauth') strategies.push(NoAuthStrategy);
    if (settings.authStrategy === 'keystone') {
      const keystone = loadKeystoneSettings(process.env, settings.conf.keystone_authtoken);
      strategies.push(
        KeystoneStrategy,
        { provide: KEYSTONE_SETTINGS, useValue: keystone },
        { provide: KeystoneClient, useValue: new KeystoneClient(keystone) },
      );
      // Subscriptions and the delivery job make and use Keystone trusts for trust+ subscribers.
      exported.push(KeystoneClient);
    }
    return {
      global: true,
      module: IdentityModule,
      imports: [PassportModule],
      providers: [...strategies, IdentityGuard],
      exports: exported,
    };
  }
}
