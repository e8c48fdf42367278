import { Controller, Get, Header, HttpCode, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { Unscoped } from '../common/request-context';
import { Action, NO_POLICY } from '../policy/action.decorator';
import { ApiHomeDocument, ApiVersions } from './versions.openapi';
import { HOME_DOCUMENT, V1_1_HOME_DOCUMENT } from './home-document';

/** Buffers, so that Fastify sends the Content-Type as set: it appends a charset to a JSON type otherwise. */
const HOME_BYTES = Buffer.from(JSON.stringify(HOME_DOCUMENT));
const V1_1_HOME_BYTES = Buffer.from(JSON.stringify(V1_1_HOME_DOCUMENT));

/** One entry of Zaqar's versions document: `path` is its home ('v2'), `mediaSuffix` its media type's ('v2'). */
function version(id: string, status: string, updated: string, path: string, mediaSuffix: string) {
  const type = `application/vnd.openstack.messaging-${mediaSuffix}+json`;
  return {
    id,
    status,
    updated,
    'media-types': [{ base: 'application/json', type }],
    links: [{ href: `/${path}/`, rel: 'self' }],
  };
}

const V1_1 = version('1.1', 'DEPRECATED', '2016-7-29T02:22:47Z', 'v1.1', 'v1_1');
const V2 = version('2', 'CURRENT', '2014-9-24T04:06:47Z', 'v2', 'v2');

@ApiTags('Versions')
@Controller()
export class VersionsController {
  private readonly versionList: { versions: object[] };

  constructor(@Inject(SETTINGS) settings: Settings) {
    this.versionList = { versions: settings.apiV1_1 ? [V1_1, V2] : [V2] };
  }

  /** Zaqar answers its versions document with 300 Multiple Choices, without any headers needed. */
  @Get()
  @Unscoped()
  @ApiVersions()
  @HttpCode(300)
  versions() {
    return this.versionList;
  }

  /** Zaqar checks headers but no policy for its home document. */
  @Action(NO_POLICY)
  @Get('v2/')
  @ApiHomeDocument('v2')
  @Header('Content-Type', 'application/json-home')
  @Header('Cache-Control', 'max-age=86400')
  home(): Buffer {
    return HOME_BYTES;
  }

  @Action(NO_POLICY)
  @Get('v1.1/')
  @ApiHomeDocument('v1.1')
  @Header('Content-Type', 'application/json-home')
  @Header('Cache-Control', 'max-age=86400')
  homeV1_1(): Buffer {
    return V1_1_HOME_BYTES;
  }
}
