// Bundles src/main.jsx (GraphiQL, React, CodeMirror and the stylesheet) into ../static/graphiql/graphiql.{js,css}.
// Everything the page needs is in those two files: no CDN, no font or image fetched from elsewhere.
import * as esbuild from "esbuild";

await esbuild.build({
  entryPoints: { graphiql: "src/main.jsx" },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  jsx: "automatic",
  loader: { ".woff2": "dataurl", ".png": "dataurl", ".svg": "dataurl" },
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "linked",
  outdir: "../static/graphiql",
  logLevel: "info",
});
