import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { contentLength } from '../common/request-body';
import { Ctx, RequestContext } from '../common/request-context';
import { QueueShareService } from '../identity/signed-url/queue-share.service';
import { ApiScoped } from '../openapi/api-scoped.decorator';
import { Action } from '../policy/action.decorator';
import { ApiShareQueue } from './queue-share.openapi';

/** Signed URLs for a queue's paths; topics have none. */
@ApiTags('Queues')
@ApiScoped()
@Controller('v2/queues')
export class QueueShareController {
  constructor(private readonly shares: QueueShareService) {}

  @Action('queues:share')
  @ApiShareQueue()
  @Post(':queue/share')
  @HttpCode(200) // Zaqar answers 200, not 201: nothing is created on the server
  share(
    @Ctx() ctx: RequestContext,
    @Param('queue') queue: string,
    @Body() body: unknown,
    @Headers() headers: Record<string, string | undefined>,
  ) {
    return this.shares.share(ctx, queue, body, contentLength(headers));
  }
}
