// The page's only way to the server: a GraphQL request over POST, exactly
// what any other client of the API sends.

/** An error the API answered with: code and field come from extensions. */
export class GraphQLError extends Error {
  constructor(message, code, field, all) {
    super(message);
    this.code = code || "INTERNAL";
    this.field = field || "";
    this.all = all || [];
  }
}

/** The server could not be reached, or answered with something else than GraphQL. */
export class NetworkError extends Error {}

/**
 * gql sends a query or mutation and returns its data. It throws a
 * GraphQLError when the response has errors (nothing of a failed mutation
 * is written), and a NetworkError when there is no usable response.
 */
export async function gql(query, variables = {}) {
  let res;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables }),
      credentials: "same-origin",
    });
  } catch (e) {
    throw new NetworkError("Servern svarar inte. Kontrollera anslutningen och försök igen.");
  }
  let body;
  try {
    body = await res.json();
  } catch (e) {
    throw new NetworkError(`Servern svarade med något oväntat (HTTP ${res.status}). Försök igen om en stund.`);
  }
  if (body.errors && body.errors.length > 0) {
    const first = body.errors[0];
    const ext = first.extensions || {};
    throw new GraphQLError(first.message, ext.code, ext.field, body.errors);
  }
  return body.data;
}
