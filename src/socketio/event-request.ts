import { isObject, type ParsedFrame } from '../websocket/zaqar-frame';

/**
 * A Socket.IO event as a request of Zaqar's protocol: the event names the action, its payload
 * carries `{headers, body}`. Well formed as a WebSocket frame is: an object whose headers and
 * body, when given, are objects.
 */
export function eventRequest(action: string, payload: unknown): ParsedFrame {
  const event = isObject(payload) ? payload : {};
  const request = {
    action,
    headers: isObject(event.headers) ? event.headers : {},
    body: isObject(event.body) ? event.body : {},
  };
  const partsWellFormed = [event.headers, event.body].every((part) => part === undefined || isObject(part));
  return { request, wellFormed: isObject(payload) && partsWellFormed };
}
