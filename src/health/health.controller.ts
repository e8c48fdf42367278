import { Controller, Get, HttpCode } from '@nestjs/common';
import { Action } from '../policy/action.decorator';
import { HealthService } from './health.service';

@Controller(['v2', 'v1.1'])
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Fastify answers HEAD /v2/ping through this route too. */
  @Action('ping:get')
  @Get('ping')
  @HttpCode(204)
  ping(): Promise<void> {
    return this.health.ping();
  }

  /** Detailed health; Zaqar's default policy keeps it for admins. */
  @Action('health:get')
  @Get('health')
  detailed() {
    return this.health.detailed();
  }
}
