import { Controller, Get, Header, HttpCode, Inject } from '@nestjs/common';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { Unscoped } from '../common/request-context';
import { Action, NO_POLICY } from '../policy/action.decorator';
import { HOME_DOCUMENT, V1_1_HOME_DOCUMENT } from './home-document';

/** Buffers, so that Fastify sends the Content-Type as set: it appends a charset to a JSON type otherwise. */
const HOME_BYTES = Buffer.from(JSON.stringify(HOME_DOCUMENT));
const V1_1_HOME_BYTES = Buffer.from(JSON.stringify(V1_1_HOME_DOCUMENT));

const V1_1 = {
  id: '1.1',
  status: 'DEPRECATED',
  updated: '2016-7-29T02:22:47Z',
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.messaging-v1_1+json' }],
  links: [{ href: '/v1.1/', rel: 'self' }],
};

const V2 = {
  id: '2',
  status: 'CURRENT',
  updated: '2014-9-24T04:06:47Z',
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.messaging-v2+json' }],
  links: [{ href: '/v2/', rel: 'self' }],
};

@Controller()
export class VersionsController {
  private readonly versionList: { versions: object[] };

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.versionList = { versions: settings.apiV1_1 ? [V1_1, V2] : [V2] };
  }

  /** Zaqar answers its versions document with 300 Multiple Choices, without any headers needed. */
  @Get()
  @Unscoped()
  @HttpCode(300)
  versions() {
    return this.versionList;
  }

  /** Zaqar checks headers but no policy for its home document. */
  @Action(NO_POLICY)
  @Get('v2/')
  @Header('Content-Type', 'application/json-home')
  @Header('Cache-Control', 'max-age=86400')
  home(): Buffer {
    return HOME_BYTES;
  }

  @Action(NO_POLICY)
  @Get('v1.1/')
  @Header('Content-Type', 'application/json-home')
  @Header('Cache-Control', 'max-age=86400')
  homeV1_1(): Buffer {
    return V1_1_HOME_BYTES;
  }
}
