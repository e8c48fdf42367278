// A message pipeline stage as an operator's plug-in would be written: plain JavaScript, loaded by
// path from MESSAGE_PIPELINE. It stamps object bodies with the queue and refuses "forbidden" bodies.
const { InvalidApiRequest } = require('../../../dist/src/common/errors');

class StampStage {
  beforePost(posting) {
    if (posting.messages.some((m) => m.body === 'forbidden')) {
      throw new InvalidApiRequest('The stamp stage refuses forbidden messages.');
    }
    posting.messages = posting.messages.map((m) =>
      typeof m.body === 'object' && m.body !== null ? { ...m, body: { ...m.body, stamped: posting.queue } } : m,
    );
  }
}

module.exports = { stage: StampStage };
