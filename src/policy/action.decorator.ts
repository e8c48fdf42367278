import { SetMetadata } from '@nestjs/common';

export const ACTION = 'zaqar:action';

/** Marks a route Zaqar checks no policy for (its home document). */
export const NO_POLICY = '';

/** Names the policy action a route performs, with Zaqar's names (`queues:create`, `claims:get`…). */
export const Action = (name: string) => SetMetadata(ACTION, name);
