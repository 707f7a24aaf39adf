// The fake Slack of the acknowledgement bench, in a process of its own: the answers Herald sends to each
// command's response_url must not load the process that measures. Prints its origin, then serves until killed.
import { startFakeSlack } from '../test/fakes/slack.js';

const fake = await startFakeSlack();
console.log(`origin ${fake.origin}`);
