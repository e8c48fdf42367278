import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
} from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { locationHeader } from '../openapi/location-header';
import { ApiFlag, ApiPaging, ApiWait } from '../openapi/query-params';
import { ApiReadOne, ApiRemoveOne } from '../openapi/resource-routes';
import { MessageDto } from './dto/message.dto';
import { MessagePageDto } from './dto/message-page.dto';
import { PoppedMessagesDto } from './dto/popped-messages.dto';
import { PostMessagesDto } from './dto/post-messages.dto';
import { PostedMessagesDto } from './dto/posted-messages.dto';

/** The OpenAPI description of each messages route, beside the controller it describes. */

const IDS = 'Comma-separated message ids, at most max_messages_per_page (20).';

export const ApiPostMessages = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Post messages',
      description: 'Creates the queue if needed. A topic delivers them to its subscribers.',
    }),
    ApiBody({ type: PostMessagesDto }),
    ApiCreatedResponse({
      type: PostedMessagesDto,
      headers: locationHeader('…/messages?ids=… naming the new messages.'),
    }),
  );

export const ApiListMessages = () =>
  applyDecorators(
    ApiOperation({
      summary: 'List messages, or get a set by id',
      description: "Oldest first. Without `echo`, the caller's own messages are left out; `ids` ignores the rest.",
    }),
    ApiPaging('max_messages_per_page'),
    ApiFlag('echo', 'Include messages this Client-ID posted (false by default).'),
    ApiFlag('include_claimed', 'Include claimed messages (false by default).'),
    ApiFlag('include_delayed', 'Include messages still delayed (false by default).'),
    ApiQuery({ name: 'ids', required: false, type: String, description: IDS }),
    ApiWait('the page would be empty'),
    ApiOkResponse({ type: MessagePageDto }),
    ApiErrors(404),
  );

export const ApiDeleteMessages = () =>
  applyDecorators(
    ApiOperation({
      summary: 'Delete a set of messages, or pop some',
      description: '`ids` and `pop` exclude each other; one of them is needed.',
    }),
    ApiQuery({ name: 'ids', required: false, type: String, description: IDS }),
    ApiQuery({
      name: 'claim_ids',
      required: false,
      type: String,
      description: 'With message_delete_with_claim_id on: the claims holding the claimed ones among `ids`.',
    }),
    ApiQuery({
      name: 'pop',
      required: false,
      schema: { type: 'integer', minimum: 1 },
      description: 'Take up to this many messages (max_messages_per_claim_or_pop, 20) and answer them.',
    }),
    ApiOkResponse({ type: PoppedMessagesDto, description: 'Popped: the messages taken.' }),
    ApiNoContentResponse({ description: 'Deleted by ids.' }),
  );

const ApiMessageParam = () => ApiParam({ name: 'message', description: "The message's id." });

export const ApiGetMessage = () => ApiReadOne('Get a message', ApiMessageParam(), MessageDto);

export const ApiDeleteMessage = () =>
  applyDecorators(
    ApiRemoveOne(
      'Delete a message',
      'A claimed message needs the claim id its href carries (403 without it). A missing one answers 204.',
      ApiMessageParam(),
    ),
    ApiQuery({ name: 'claim_id', required: false, type: String, description: 'The claim holding the message.' }),
  );
