import { Inject, Injectable } from '@nestjs/common';
import { ServiceUnavailable } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import type { Settings } from '../../config/settings';
import { SETTINGS } from '../../config/settings.module';
import { requireDocument } from '../../common/request-body';
import { parseShareRequest } from './share-request';
import { createSignature, SignedUrl } from './signed-url';
import { queuePath } from '../../common/queue-space';

/** `POST /v2/queues/{name}/share`: signs paths below the queue for the caller's project. */
@Injectable()
export class QueueShareService {
  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  share(ctx: RequestContext, queue: string, body: unknown, length: number | undefined): SignedUrl {
    const key = this.settings.signedUrlSecretKey;
    // Zaqar fails with a 500 when no key is configured; say what is missing instead
    if (!key) throw new ServiceUnavailable('Pre-signed URLs are not enabled: no [signed_url] secret_key is set.');
    const request = parseShareRequest(requireDocument(body, length), queuePath(ctx, queue));
    return createSignature(key, request.paths, {
      project: ctx.project,
      methods: request.methods,
      expires: request.expires,
    });
  }
}
