package graph

import (
	"context"
	"log/slog"
	"net/http"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/compile"
	"github.com/samverkan/samverkan/ent"
)

// NewHandler returns the GraphQL endpoint over the client: queries by POST
// (JSON) and GET, mutations by POST only, each mutation in a transaction,
// errors presented with codes, page sizes limited, and DefaultLimits unless
// an option says otherwise. With WithCompiledReads, a query's root fields
// are answered by one SQL statement each where the read compiler can.
func NewHandler(client *ent.Client, log *slog.Logger, opts ...Option) http.Handler {
	cfg := config{limits: DefaultLimits}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.accounts == nil {
		cfg.accounts = accounts.New(client)
	}
	schema := NewSchema(client, cfg.accounts)
	srv := handler.New(schema)
	srv.AddTransport(transport.Options{})
	// GET serves queries only: gqlgen refuses a mutation sent by GET, so a
	// link or an image tag cannot change anything.
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})

	// The outermost response interceptor, so that it sees the response as
	// the transport will (see datawriter.go).
	srv.Use(keepData{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetValidationRulesFn(validationRules(cfg.limits.MaxRepeats))
	srv.Use(schemaIntrospection{}) // not for anonymous requests on a private server
	// Frontends may send a query's hash instead of its text.
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	// Before the limits that charge a client: bad input costs nothing.
	srv.Use(inputLimits{})
	srv.Use(pageSizeLimit{})
	// After pageSizeLimit, which gives every connection its page size; the
	// timeout before the transaction, which it must wrap.
	cfg.limits.install(srv, schema.Schema())
	srv.Use(markResolverErrors{})
	if cfg.dialect != "" {
		srv.Use(compiledReads{compiler: compile.New(client, cfg.dialect), log: log})
	}
	// A mutation and everything its hooks write commit together, or not at
	// all: the transaction rolls back when the response has an error.
	srv.Use(transactioner{entgql.Transactioner{TxOpener: client}})

	srv.AroundOperations(nameOperation)
	srv.SetErrorPresenter(cfg.limits.presentLimits(presentError(log)))
	srv.SetRecoverFunc(recoverPanic(log))
	return noStore(codeBareErrors(writeKeptData(srv)))
}

// Option changes how NewHandler sets up the endpoint.
type Option func(*config)

type config struct {
	limits   Limits
	accounts *accounts.Service
	dialect  string
}

// WithCompiledReads answers queries with the read compiler (package
// compile) on a database of the given ent dialect, where it can.
func WithCompiledReads(dialect string) Option {
	return func(c *config) { c.dialect = dialect }
}

// WithAccounts sets the service that signs users in and out; the HTTP
// layer, which checks tokens, must use the same.
func WithAccounts(a *accounts.Service) Option {
	return func(c *config) { c.accounts = a }
}

// WithLimits replaces DefaultLimits.
func WithLimits(l Limits) Option {
	return func(c *config) { c.limits = l }
}

// nameOperation records the operation's name for the request log.
func nameOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if r := samverkan.RequestFrom(ctx); r != nil {
		oc := graphql.GetOperationContext(ctx)
		switch {
		case oc.OperationName != "":
			r.Operation = oc.OperationName
		case oc.Operation != nil && oc.Operation.Name != "":
			r.Operation = oc.Operation.Name
		case oc.Operation != nil:
			r.Operation = "(anonymous " + string(oc.Operation.Operation) + ")"
		}
	}
	return next(ctx)
}

// transactioner is entgql's Transactioner, safe for responses that have no
// operation: gqlgen answers a body that is not JSON without one, and
// entgql's would panic looking for it.
type transactioner struct{ entgql.Transactioner }

// InterceptResponse runs a mutation in a transaction. A request refused
// before it ran (a limit, bad input) arrives with its errors already and
// needs none: it must not take a writer's turn.
func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) || len(graphql.GetErrors(ctx)) > 0 {
		return next(ctx)
	}
	return t.Transactioner.InterceptResponse(ctx, next)
}

// noStore keeps every answer out of caches: some carry a token (login,
// createAPIToken), and every one depends on the Authorization header.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
