import { applyDecorators, Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { noSuchResource } from '../common/errors';
import { Unscoped } from '../common/request-context';
import { Action, NO_POLICY } from '../policy/action.decorator';
import { loadDashboardAssets } from './dashboard-assets';

/**
 * The page is open like Zaqar's versions document (its API calls carry the credentials); it runs
 * only its own files, and the browser must not guess other types for them.
 */
const OpenPage = () =>
  applyDecorators(
    Unscoped(),
    Action(NO_POLICY),
    Header(
      'Content-Security-Policy',
      "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
    ),
    Header('X-Content-Type-Options', 'nosniff'),
  );

/**
 * Serves the dashboard: a Nest controller rather than a bare Fastify route, so the page passes the
 * same guards and 405 table as every route and is visibly declared open. A page for people, so
 * not in the OpenAPI document.
 */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  private readonly assets = loadDashboardAssets();

  @Get()
  @OpenPage()
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.send(reply, 'index.html');
  }

  /** Every other path under /dashboard ends here, so `..` or an unknown name is a 404 in any auth mode. */
  @Get('*')
  @OpenPage()
  asset(@Param('*') name: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.send(reply, name);
  }

  private send(reply: FastifyReply, name: string): Buffer {
    const asset = this.assets.get(name);
    if (!asset) throw noSuchResource(`/dashboard/${name}`);
    reply.type(asset.contentType);
    return asset.bytes;
  }
}
