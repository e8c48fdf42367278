import { Inject, Injectable, Logger } from '@nestjs/common';
import { ZaqarError } from '../common/errors';
import { requestScope } from '../common/request-scope';
import { failureDetail, unavailableFor } from '../common/unforeseen-failure';
import type { Settings } from '../config/settings';
import { SETTINGS } from '../config/settings.module';
import { StorageErrorMetrics } from '../metrics/storage-error-metrics';
import { SocketPushes } from '../notifications/socket-pushes';
import { NO_POLICY } from '../policy/action.decorator';
import { authorize } from '../policy/policy.guard';
import { PolicyService } from '../policy/policy.service';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { fitsSchema, nameOf } from './actions/action-spec';
import { SocketAuthentication } from './socket-authentication';
import type { SocketSession } from './socket-session';
import { ZaqarActions } from './zaqar-actions';
import { frameHeaders, response, type ZaqarRequest, type ZaqarResponse } from './zaqar-frame';

/** Every action's schema asks for these headers (zaqar/api/v2/request.py). */
const REQUIRED_HEADERS = ['Client-ID', 'X-Project-ID'];
const AUTHENTICATE_HEADERS = ['X-Project-ID', 'X-Auth-Token'];

/**
 * Zaqar's request/response protocol, whatever carries it (its WebSocket framing, Socket.IO events):
 * schema, who is asking, the same scope and policy checks as REST, then the action.
 */
@Injectable()
export class ZaqarProtocol {
  private readonly logger = new Logger(ZaqarProtocol.name);

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly actions: ZaqarActions,
    private readonly authentication: SocketAuthentication,
    private readonly policy: PolicyService,
    private readonly pushes: SocketPushes,
    private readonly subscriptions: SubscriptionsService,
    private readonly storageErrors: StorageErrorMetrics,
  ) {}

  /** A connection opened: notifications for its subscriptions may reach it now. */
  opened(session: SocketSession): void {
    this.pushes.register(session.id, session.push);
  }

  /** A connection closed: its socket subscriptions end with it. */
  async closed(session: SocketSession): Promise<void> {
    this.pushes.unregister(session.id);
    for (const { ctx, queue, id } of session.end()) {
      await this.subscriptions.delete(ctx, queue, id).catch((error: Error) => {
        this.logger.warn(`socket subscription ${id} outlives its connection until its ttl: ${error.message}`);
      });
    }
  }

  /** One request's answer; never throws. `wellFormed`: its headers and body were objects. */
  async answer(session: SocketSession, request: ZaqarRequest, wellFormed: boolean): Promise<ZaqarResponse> {
    if (request.action === 'authenticate') return this.authenticate(session, request, wellFormed);
    const spec = this.actions.find(request.action);
    if (!spec) return response(request, 400, { error: `${request.action} is not a valid action` });
    if (!wellFormed || !hasHeaders(request, REQUIRED_HEADERS) || !fitsSchema(spec, request.body)) {
      return response(request, 400, { error: 'Schema validation failed.' });
    }
    const headers = frameHeaders(request.headers);
    const identity = this.authentication.identify(session, request, headers);
    if (!identity) return response(request, 403, { error: 'Not authentified.' });
    try {
      const ctx = requestScope(headers, identity, nameOf(spec, request.body), this.settings.limits, spec.space);
      if (spec.policy !== NO_POLICY) authorize(this.policy, spec.policy, ctx);
      const [status, body] = await spec.run(ctx, request.body, session);
      return response(request, status, body);
    } catch (error) {
      return this.failure(request, error);
    }
  }

  private async authenticate(session: SocketSession, request: ZaqarRequest, wellFormed: boolean) {
    if (!wellFormed || !hasHeaders(request, AUTHENTICATE_HEADERS)) {
      return response(request, 400, { error: 'Schema validation failed.' });
    }
    try {
      const accepted = await this.authentication.authenticate(session, frameHeaders(request.headers));
      if (!accepted) return response(request, 401, { error: 'Authentication failed.' });
      return response(request, 200, { message: 'Authentified.' });
    } catch (error) {
      return this.failure(request, error);
    }
  }

  /** zaqar/common/api/utils.py error_response: the exception's text, and words a client can show. */
  private failure(request: ZaqarRequest, error: unknown): ZaqarResponse {
    if (error instanceof ZaqarError) {
      return response(request, error.status, {
        exception: error.description,
        error: error.description || error.title,
      });
    }
    this.logger.error(`${request.action} failed: ${failureDetail(error)}`);
    this.storageErrors.failed();
    return this.failure(request, unavailableFor(error));
  }
}

function hasHeaders(request: ZaqarRequest, names: string[]): boolean {
  return names.every((name) => typeof request.headers[name] === 'string');
}
