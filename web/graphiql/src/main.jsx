// GraphiQL for the after-sales API. The server writes its settings into the page (see server.py,
// GraphQLApp.render_graphql_ide): the endpoint, a default tab with a documented example, a headers placeholder.
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import "graphiql/style.css";

const config = JSON.parse(document.getElementById("graphiql-config").textContent);
const fetcher = createGraphiQLFetcher({ url: config.endpoint });

createRoot(document.getElementById("graphiql")).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={[{ query: config.exampleQuery, headers: config.headers }]}
    defaultHeaders={config.headers}
    defaultEditorToolsVisibility="headers"
    shouldPersistHeaders={false}
  />,
);
