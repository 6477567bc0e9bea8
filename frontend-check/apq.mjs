// Apollo Client's own PersistedQueryLink against the API: the first client's query goes hash-only, is told
// PERSISTED_QUERY_NOT_FOUND and retries with the text; a second client (against the second URL: another server
// process) then gets its answer from the hash alone.
//   node apq.mjs <url of process A> <url of process B> <bearer token>
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createHash } from 'node:crypto';

const [first, second, token] = process.argv.slice(2);
const QUERY = gql`query ApqProbe { viewer { userId role } }`;

async function run(uri) {
  const sent = [];
  const counting = (input, init) => {
    sent.push(init.body ? JSON.parse(init.body) : { get: String(input) });
    return fetch(input, init);
  };
  const persisted = new PersistedQueryLink({ sha256: (text) => createHash('sha256').update(text).digest('hex') });
  const http = new HttpLink({ uri, fetch: counting, headers: { authorization: `Bearer ${token}` } });
  const client = new ApolloClient({ link: ApolloLink.from([persisted, http]), cache: new InMemoryCache() });
  const { data } = await client.query({ query: QUERY, fetchPolicy: 'network-only' });
  return { data, requests: sent.map((body) => ('query' in body ? 'hash+text' : 'hash')) };
}

const registering = await run(first);
const later = await run(second);
const report = { registering, later };
console.log(JSON.stringify(report));
const ok = registering.requests.join() === 'hash,hash+text' && later.requests.join() === 'hash'
  && later.data?.viewer?.userId && registering.data?.viewer?.userId;
process.exit(ok ? 0 : 1);
