import { Controller, Get, HttpCode } from '@nestjs/common';
import { Forbidden, ServiceUnavailable } from '../common/errors';
import { Ctx, RequestContext } from '../common/request-context';
import { HealthService } from './health.service';

@Controller('v2')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Fastify answers HEAD /v2/ping through this route too. */
  @Get('ping')
  @HttpCode(204)
  async ping(): Promise<void> {
    if (!(await this.health.reachable())) throw new ServiceUnavailable('Storage is not reachable.');
  }

  /** Detailed health is for admins only, as in Zaqar's default policy. */
  @Get('health')
  detailed(@Ctx() ctx: RequestContext) {
    if (!ctx.roles.includes('admin')) throw new Forbidden();
    return this.health.detailed();
  }
}
