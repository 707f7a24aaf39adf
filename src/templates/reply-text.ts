// The plain-text replies moved to src/templates/text/reply.ts (with the neutral reply model in
// src/templates/reply/); this path stays for the callers that import it (the CLI, `herald run`, tests).
export { componentName } from './reply/model.js';
export { renderDeliveryNotice, renderReplyText } from './text/reply.js';
