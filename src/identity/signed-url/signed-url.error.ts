import { InvalidApiRequest } from '../../common/errors';

/**
 * Input Zaqar's create_signed_url refuses with a ValueError. The share endpoint answers those with
 * 400 "Invalid API request" and the ValueError's text, so this is that error, with Zaqar's texts.
 */
export class SignedUrlError extends InvalidApiRequest {}
