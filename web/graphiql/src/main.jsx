// GraphiQL for the after-sales API. The server writes its settings into the page (web/graphiql_page.py): the
// endpoint, the WebSocket endpoint for subscriptions, a default tab with a documented example, a headers placeholder.
import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { useHeadersEditorState } from "@graphiql/react";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { getOperationAST, parse } from "graphql";
import { createClient } from "graphql-ws";
import "graphiql/style.css";

const config = JSON.parse(document.getElementById("graphiql-config").textContent);
const overHttp = createGraphiQLFetcher({ url: config.endpoint });

// Subscriptions go over graphql-transport-ws (SPEC E4), which authenticates in connection_init rather than by
// headers: one client per Authorization value in the headers editor, so changing the token opens a new socket.
const socketUrl = new URL(config.subscriptionEndpoint, window.location.href);
socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";
const sockets = new Map();
function socketFor(authorization) {
  if (!sockets.has(authorization)) {
    sockets.set(authorization, createClient({
      url: socketUrl.href,
      lazy: true,
      connectionParams: authorization ? { Authorization: authorization } : {},
    }));
  }
  return sockets.get(authorization);
}

// The operation to run: the named one, or the document's only one when the name is stale (GraphiQL updates the
// operation name after an edit settles, so a document replaced and run at once still carries the old name).
function operationOf(params) {
  try {
    const document = parse(params.query);
    return getOperationAST(document, params.operationName) ?? getOperationAST(document);
  } catch {
    return null; // the server reports the syntax error
  }
}

function fetcher(params, options) {
  const operation = operationOf(params);
  const name = operation ? (operation.name?.value ?? undefined) : params.operationName;
  if (operation?.operation !== "subscription") return overHttp({ ...params, operationName: name }, options);
  const headers = options?.headers ?? {};
  const authorization = headers.Authorization ?? headers.authorization ?? "";
  return socketFor(authorization).iterate({
    query: params.query, variables: params.variables, operationName: name,
  });
}

// APP_ENV=dev only (the server leaves devTokens out otherwise): pick a demo identity instead of pasting a token.
function RolePicker({ url }) {
  const [, setHeaders] = useHeadersEditorState();
  const [identities, setIdentities] = useState([]);
  useEffect(() => {
    fetch(url).then((reply) => (reply.ok ? reply.json() : [])).then(setIdentities).catch(() => setIdentities([]));
  }, [url]);
  if (!identities.length) return null;
  return (
    <select
      aria-label="Act as"
      className="role-picker"
      defaultValue=""
      style={{ marginRight: "1em", fontSize: "0.85em" }}
      onChange={(event) => {
        const chosen = identities[Number(event.target.value)];
        setHeaders(JSON.stringify({ Authorization: `Bearer ${chosen.token}` }, null, 2));
      }}
    >
      <option value="" disabled>Act as…</option>
      {identities.map((identity, index) => (
        <option key={identity.label} value={index}>{identity.label}</option>
      ))}
    </select>
  );
}

createRoot(document.getElementById("graphiql")).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={[{ query: config.exampleQuery, headers: config.headers }]}
    defaultHeaders={config.headers}
    defaultEditorToolsVisibility="headers"
    shouldPersistHeaders={false}
  >
    <GraphiQL.Logo>
      {config.devTokens ? <RolePicker url={config.devTokens} /> : null}
      GraphiQL
    </GraphiQL.Logo>
  </GraphiQL>,
);
