import { type Config, parseConfig } from "../../src/config/env.js";
import { TEST_SIGNING_SECRET } from "./sign.js";

/**
 * A service set up for Slack over HTTP against the Web API stand-in at `apiUrl`, with nothing else
 * running (no demo book, scheduler or playground) and any port. `env` adds or overrides variables.
 */
export function slackTestConfig(apiUrl: string, env: Record<string, string> = {}): Config {
  return parseConfig({
    PORT: "0",
    TEND_DEMO: "off",
    TEND_SCHEDULER: "off",
    TEND_PLAYGROUND: "off",
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: apiUrl,
    ...env,
  });
}
