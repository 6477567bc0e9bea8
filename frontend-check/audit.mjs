// The GraphQL-over-HTTP reference audit (npm graphql-http, auditServer) against a running server:
//   node audit.mjs <url> <bearer token>
// Prints every audit that is not a pass and exits 1 if there is any: a warning (a SHOULD) counts as a failure here.
import { auditServer } from 'graphql-http';

const [url, token] = process.argv.slice(2);
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};
const results = await auditServer({ url, fetchFn });
const failed = results.filter((result) => result.status !== 'ok');
for (const result of failed) {
  const detail = result.reason ?? '';
  console.log(`${result.status.toUpperCase()} ${result.name}: ${detail}`);
}
console.log(`${results.length - failed.length} of ${results.length} audits pass`);
process.exit(failed.length ? 1 : 0);
