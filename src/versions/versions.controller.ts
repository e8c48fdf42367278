import { Controller, Get, Header, HttpCode } from '@nestjs/common';
import { Unscoped } from '../common/request-context';
import { Action, NO_POLICY } from '../policy/action.decorator';
import { HOME_DOCUMENT } from './home-document';

/** A Buffer, so that Fastify sends the Content-Type as set: it appends a charset to a JSON type otherwise. */
const HOME_BYTES = Buffer.from(JSON.stringify(HOME_DOCUMENT));

const VERSIONS = {
  versions: [
    {
      id: '2',
      status: 'CURRENT',
      updated: '2014-9-24T04:06:47Z',
      'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.messaging-v2+json' }],
      links: [{ href: '/v2/', rel: 'self' }],
    },
  ],
};

@Controller()
export class VersionsController {
  /** Zaqar answers its versions document with 300 Multiple Choices, without any headers needed. */
  @Get()
  @Unscoped()
  @HttpCode(300)
  versions() {
    return VERSIONS;
  }

  /** Zaqar checks headers but no policy for its home document. */
  @Action(NO_POLICY)
  @Get('v2/')
  @Header('Content-Type', 'application/json-home')
  @Header('Cache-Control', 'max-age=86400')
  home(): Buffer {
    return HOME_BYTES;
  }
}
