package graph

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/compile"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/kolada"
	"github.com/samverkan/samverkan/live"
	"github.com/samverkan/samverkan/storage"
)

// NewHandler returns the GraphQL endpoint over the client, signing users in
// and out with acc (the service the HTTP layer checks tokens with): queries by POST
// (JSON) and GET, mutations by POST only, each mutation in a transaction,
// errors presented with codes, page sizes limited, and DefaultLimits unless
// an option says otherwise. With WithCompiledReads, a query's root fields
// are answered by one SQL statement each where the read compiler can.
func NewHandler(client *ent.Client, acc *accounts.Service, log *slog.Logger, opts ...Option) http.Handler {
	cfg := config{limits: DefaultLimits}
	for _, opt := range opts {
		opt(&cfg)
	}
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{client: client, accounts: acc, kolada: cfg.kolada, live: cfg.live}})
	srv := handler.New(schema)
	srv.AddTransport(transport.Options{})
	// GET serves queries only: gqlgen refuses a mutation sent by GET, so a
	// link or an image tag cannot change anything.
	srv.AddTransport(transport.GET{})
	// Subscriptions, as server-sent events (POST with Accept:
	// text/event-stream; see live.go): before POST, which would take
	// them too.
	if cfg.live != nil {
		srv.AddTransport(liveSSE{})
	}
	srv.AddTransport(transport.POST{})
	srv.Use(streamedSubscriptions{})

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
	srv.Use(entgqlView{}) // a workaround for entgql (entgqlview.go)
	if cfg.dialect != "" {
		srv.Use(compiledReads{compiler: compile.New(client, cfg.dialect), log: log})
	}
	// A mutation and everything its hooks write commit together, or not at
	// all: the transaction rolls back when the response has an error.
	present := presentError(log, cfg.limits.presentLimits)
	srv.Use(transactioner{opener: client, present: present})

	srv.AroundOperations(nameOperation)
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(recoverPanic(log))
	return noStore(answerErrors(writeKeptData(srv)))
}

// Option changes how NewHandler sets up the endpoint.
type Option func(*config)

type config struct {
	limits  Limits
	dialect string
	kolada  *kolada.Client
	live    *live.Hub
}

// WithKolada sets the client fetchKolada asks Kolada with; without it,
// fetchKolada is refused as UPSTREAM.
func WithKolada(c *kolada.Client) Option {
	return func(cfg *config) { cfg.kolada = c }
}

// WithLive serves the subscription changes from the hub's changes.
func WithLive(h *live.Hub) Option {
	return func(c *config) { c.live = h }
}

// WithCompiledReads answers queries with the read compiler (package
// compile) on a database of the given ent dialect, where it can.
func WithCompiledReads(dialect string) Option {
	return func(c *config) { c.dialect = dialect }
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

// transactioner runs each mutation in a transaction, as entgql's
// Transactioner does, with these differences:
//
//   - A mutation that checks a password (login, changePassword) runs
//     outside it, and must be alone in its request: the accounts service
//     compares the password first and then writes in a short transaction of
//     its own. A transaction begun before would hold the write lock (on
//     SQLite, the turn of every writer) for the length of a bcrypt
//     comparison, and a stream of wrong passwords held every other change.
//     fetchKolada runs outside it too, for the same reason: it asks Kolada
//     over the network first, and only then writes, in a transaction of its
//     own (kolada.Import).
//   - The transaction's own errors (it could not begin, commit or roll
//     back: a full disk, a writer that waited past its deadline) are
//     presented like any other error, with a code, instead of as their raw
//     text.
//   - A response without an operation (gqlgen answers a body that is not
//     JSON without one) passes through, where entgql's would panic.
type transactioner struct {
	opener  entgql.TxOpener
	present graphql.ErrorPresenterFunc
}

var (
	_ graphql.HandlerExtension        = transactioner{}
	_ graphql.OperationContextMutator = transactioner{}
	_ graphql.ResponseInterceptor     = transactioner{}
)

// ExtensionName names the extension for gqlgen.
func (transactioner) ExtensionName() string { return "Transactioner" }

// Validate is called once, when the extension is added to a server.
func (transactioner) Validate(graphql.ExecutableSchema) error { return nil }

// ownTransaction names the mutations that run outside the request's
// transaction and write in one of their own, after slow work that must not
// hold the write lock: comparing a password, asking Kolada.
var ownTransaction = map[string]bool{"login": true, "changePassword": true, "fetchKolada": true}

// MutateOperationContext refuses a mutation that runs its own transaction
// beside other fields, and makes a mutation's resolvers run one at a time, since
// they share one transaction.
func (transactioner) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if !isMutation(oc) {
		return nil
	}
	if fields, checks := mutationFields(oc); len(checks) > 0 && len(fields) > 1 {
		return refusal(oc.Operation.Position, samverkan.CodeBadRequest, nil,
			"%s must be the only field of its request (this one has %d): send it on its own", checks[0], len(fields))
	}
	previous := oc.ResolverMiddleware
	var mu sync.Mutex
	oc.ResolverMiddleware = func(ctx context.Context, next graphql.Resolver) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		return previous(ctx, next)
	}
	return nil
}

// InterceptResponse runs a mutation in a transaction, committed when the
// response has no error and rolled back otherwise. A request refused before
// it ran (a limit, bad input) arrives with its errors already and needs
// none: it must not take a writer's turn. On SQLite the transaction takes
// its turn among the writers at its first statement, so that the work a
// mutation does before it (arguments, validation, policies) does not hold
// up the writers behind it.
func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) || !isMutation(graphql.GetOperationContext(ctx)) || len(graphql.GetErrors(ctx)) > 0 {
		return next(ctx)
	}
	if _, checks := mutationFields(graphql.GetOperationContext(ctx)); len(checks) > 0 {
		return next(ctx) // alone in the request: MutateOperationContext saw to it
	}
	txCtx, tx, err := t.opener.OpenTx(storage.BeginAtFirstStatement(ctx))
	if err != nil {
		return t.fail(ctx, fmt.Errorf("begin the mutation's transaction: %w", err))
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	rsp := next(txCtx)
	if len(rsp.Errors) > 0 {
		errs := rsp.Errors
		if err := tx.Rollback(); err != nil {
			errs = append(errs, t.present(ctx, &resolverError{err: fmt.Errorf("roll the mutation back: %w", err)}))
		}
		return &graphql.Response{Errors: errs}
	}
	if err := tx.Commit(); err != nil {
		return t.fail(ctx, fmt.Errorf("commit the mutation: %w", err))
	}
	return rsp
}

// fail answers with the transaction's error alone, presented as a
// resolver's would be.
func (t transactioner) fail(ctx context.Context, err error) *graphql.Response {
	return &graphql.Response{Errors: gqlerror.List{t.present(ctx, &resolverError{err: err})}}
}

func isMutation(oc *graphql.OperationContext) bool {
	return oc.Operation != nil && oc.Operation.Operation == ast.Mutation
}

// mutationFields returns the aliases of a mutation's fields, fragments
// and @skip/@include taken into account, and the names of those that run
// their own transaction (ownTransaction).
func mutationFields(oc *graphql.OperationContext) (fields, checks []string) {
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}) {
		if f.Name == "__typename" {
			continue
		}
		fields = append(fields, f.Alias)
		if ownTransaction[f.Name] {
			checks = append(checks, f.Name)
		}
	}
	return fields, checks
}

// noStore keeps every answer out of caches: some carry a token (login,
// createAPIToken), and every one depends on the Authorization header.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
