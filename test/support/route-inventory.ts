import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ROUTES } from '../../src/common/route-table';
import { loadSettings } from '../../src/config/settings';
import { createApp } from '../../src/main';
import { DOCUMENT_PATH } from '../../src/openapi/openapi';
import type { ActionSpec } from '../../src/websocket/actions/action-spec';
import { ZaqarActions } from '../../src/websocket/zaqar-actions';

/** What an app registers and what it documents, for the suites that must cover every route and action. */
export interface RouteInventory {
  /** ROUTES as the server fills it: every route served, with its methods. */
  routes: Array<{ url: string; methods: string[] }>;
  /** The document the app serves at /openapi.json. */
  document: OpenAPIObject;
  /** Controller_method of every handler that reads a request body (@Body()). */
  bodyReaders: string[];
  /** Every action of Zaqar's socket protocol the app answers (WebSocket and Socket.IO alike). */
  socketActions: string[];
  /** Every action but `authenticate` (the session's own), with its body fields. */
  socketActionFields: Record<string, ActionSpec['fields']>;
}

/** Every handler that reads a body, named as Nest names its OpenAPI operation. */
function bodyReaders(app: NestFastifyApplication): string[] {
  const readers: string[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const controller = metatype as { name: string; prototype: object };
      for (const method of Object.getOwnPropertyNames(controller.prototype)) {
        const args: object = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {};
        if (Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY))) {
          readers.push(`${controller.name.replace(/Controller$/, '')}_${method}`);
        }
      }
    }
  }
  return readers;
}

/** Builds the app as the server does (its environment says which routes are on) and takes stock. */
async function takeInventory(): Promise<RouteInventory> {
  const app = await createApp(loadSettings());
  try {
    await app.init();
    const served = await app.inject({ method: 'GET', url: DOCUMENT_PATH });
    return {
      routes: ROUTES.served(),
      document: JSON.parse(served.body),
      bodyReaders: bodyReaders(app),
      // `authenticate` is the session's own, answered by ZaqarProtocol before the table is asked
      socketActions: [...Object.keys(app.get(ZaqarActions).fields()), 'authenticate'],
      socketActionFields: app.get(ZaqarActions).fields(),
    };
  } finally {
    await app.close();
  }
}

// Run as a script, outside Jest: Jest's module loader cannot require the ES modules that
// @fastify/static (and so the app) loads, which plain Node can.
if (require.main === module) {
  takeInventory().then(
    (inventory) => process.stdout.write(JSON.stringify(inventory)),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
