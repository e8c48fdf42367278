import type { ClaimsService } from '../../claims/claims.service';
import { type ActionTable, asDocument, idOf, opt, QUEUE, str } from './action-spec';
import { socketMessage } from './message.actions';

/** claim_* of Zaqar's socket API. */
export function claimActions(claims: ClaimsService): ActionTable {
  return {
    claim_create: {
      policy: 'claims:create',
      fields: { ...QUEUE, ttl: ['integer'], grace: ['integer'], limit: ['integer'], wait: ['integer'] },
      async run(ctx, body, session) {
        const terms = { ttl: body.ttl, grace: body.grace };
        const query = { limit: opt<number>(body, 'limit'), wait: opt<number>(body, 'wait') };
        const claim = await claims.create(ctx, str(body, 'queue_name'), ...asDocument(terms), query, session.closed);
        if (!claim) return [204, { claim_id: null }];
        const claimId = idOf(claim.location);
        return [201, { claim_id: claimId, messages: claim.messages.map((m) => socketMessage(m, claimId)) }];
      },
    },
    claim_get: {
      policy: 'claims:get',
      fields: { ...QUEUE, claim_id: ['string', 'required'] },
      async run(ctx, body) {
        const claimId = str(body, 'claim_id');
        const { href: _href, ...claim } = await claims.get(ctx, str(body, 'queue_name'), claimId);
        return [200, { ...claim, messages: claim.messages.map((m) => socketMessage(m, claimId)) }];
      },
    },
    claim_update: {
      policy: 'claims:update',
      fields: { ...QUEUE, claim_id: ['string', 'required'], ttl: ['integer'], grace: ['integer'] },
      async run(ctx, body) {
        const claimId = str(body, 'claim_id');
        const terms = { ttl: body.ttl, grace: body.grace };
        await claims.renew(ctx, str(body, 'queue_name'), claimId, ...asDocument(terms));
        return [204, `Claim ${claimId} updated.`];
      },
    },
    claim_delete: {
      policy: 'claims:delete',
      fields: { ...QUEUE, claim_id: ['string', 'required'] },
      async run(ctx, body) {
        await claims.release(ctx, str(body, 'queue_name'), str(body, 'claim_id'));
        return [204, `Claim ${str(body, 'claim_id')} deleted.`];
      },
    },
  };
}
