import { InvalidApiRequest } from '../common/errors';
import { ConfirmationDto, SubscriptionFieldsDto, validateDto } from './subscription.dto';

describe('validateDto', () => {
  it('takes options whose keys are names every object has', () => {
    const options = JSON.parse('{"constructor": [], "__proto__": {"x": 1}, "toString": 1}');
    const fields = validateDto(SubscriptionFieldsDto, { subscriber: 'http://127.0.0.1/hook', ttl: 60, options });
    expect(fields.options).toBe(options);
    expect(Object.keys(fields.options!)).toEqual(['constructor', '__proto__', 'toString']);
  });

  it('still applies its rules when the document carries a __proto__ key of its own', () => {
    const document = JSON.parse('{"__proto__": {}, "ttl": "soon"}');
    expect(() => validateDto(SubscriptionFieldsDto, document)).toThrow(
      new InvalidApiRequest('TTL must be an integer.'),
    );
    expect(() => validateDto(ConfirmationDto, JSON.parse('{"__proto__": {}, "confirmed": 1}'))).toThrow(
      new InvalidApiRequest("The 'confirmed' should be boolean."),
    );
  });
});
