import { Global, Module } from '@nestjs/common';
import { PolicyService } from './policy.service';

/**
 * Global so any guard or service can ask PolicyService; the file comes from $POLICY_FILE
 * (default ./policy.json). Provide POLICY_OPTIONS to point it elsewhere.
 */
@Global()
@Module({ providers: [PolicyService], exports: [PolicyService] })
export class PolicyModule {}
