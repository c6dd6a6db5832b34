// Starts GraphiQL in #graphiql. This lives in its own file rather than in an
// inline <script> so that the page works under a Content-Security-Policy
// whose script-src is just 'self'. React, ReactDOM and GraphiQL are the UMD
// globals defined by the vendor/ scripts that index.html loads before this.
(function () {
  'use strict';

  // Shown in a new tab; GraphiQL's default localStorage keeps the user's
  // own queries. Lines stay short enough to fit the editor's half of a laptop
  // screen without scrolling sideways.
  var DEFAULT_QUERY = [
    '# Samverkan: the culture plan of Region Örebro län',
    '# as GraphQL. Ctrl+Enter runs the query, and',
    '# Ctrl+Space completes field names.',
    '{',
    '  plans(first: 5) {',
    '    totalCount',
    '    edges {',
    '      node {',
    '        id name region firstYear lastYear',
    '        goals(first: 10) {',
    '          edges { node { number title area } }',
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    ''
  ].join('\n');

  var container = document.getElementById('graphiql');
  // The server decides where the API lives; resolving against the page keeps
  // "/graphql" on this origin, which is all that connect-src 'self' allows.
  var endpoint = new URL(container.getAttribute('data-endpoint') || '/graphql', document.baseURI).href;

  var fetcher = GraphiQL.createFetcher({ url: endpoint });

  ReactDOM.createRoot(container).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: DEFAULT_QUERY })
  );
})();
