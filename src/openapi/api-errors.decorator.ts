import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from '../common/dto/error-body.dto';

/** What each refusal means, in every route's words; the body is always Zaqar's ErrorBody. */
const MEANINGS = {
  400: 'A missing or malformed header (Client-ID, X-Project-ID), query parameter or body.',
  401: 'No valid credentials: with Keystone auth, a missing, invalid or expired X-Auth-Token.',
  403: 'Refused by policy (policy.json).',
  404: 'No such resource.',
  406: 'The Accept header allows no JSON.',
  409: 'Conflicts with the resource as it is.',
  413: "The body is over the server's request size limit.",
  415: 'The Content-Type is not the one this route reads.',
  503: 'Storage (or Keystone) is unavailable; try again in a few seconds.',
} as const;

export type ErrorStatus = keyof typeof MEANINGS;

/** Documents the refusals a route can answer, each with Zaqar's error body. */
export function ApiErrors(...statuses: ErrorStatus[]) {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: MEANINGS[status], type: ErrorBody })),
  );
}
