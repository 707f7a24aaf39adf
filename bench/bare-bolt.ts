// The baseline of the acknowledgement bench: a bare Bolt app (HTTP receiver) whose /status handler only
// acknowledges, in a process of its own as Herald is. Prints its port, then serves until killed.
import type http from 'node:http';
import { App, LogLevel } from '@slack/bolt';

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  botId: process.env.SLACK_BOT_ID,
  botUserId: process.env.SLACK_BOT_USER_ID,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL, retryConfig: { retries: 0 } },
});
app.command('/status', async ({ ack }) => {
  await ack();
});
const server = (await app.start({ port: 0, host: '127.0.0.1' })) as http.Server;
console.log(`port ${(server.address() as { port: number }).port}`);
