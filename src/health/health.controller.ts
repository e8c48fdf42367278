import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { Action } from '../policy/action.decorator';
import { ApiHealth, ApiPing } from './health.openapi';
import { HealthService } from './health.service';

@ApiTags('Health')
@ApiScoped()
@Controller(['v2', 'v1.1'])
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Fastify answers HEAD /v2/ping through this route too. */
  @Action('ping:get')
  @ApiPing()
  @Get('ping')
  @HttpCode(204)
  ping(): Promise<void> {
    return this.health.ping();
  }

  /** Detailed health; Zaqar's default policy keeps it for admins. */
  @Action('health:get')
  @ApiHealth()
  @Get('health')
  detailed() {
    return this.health.detailed();
  }
}
