package graph

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/compile"
	"github.com/samverkan/samverkan/ent/privacy"
)

// compiledReads answers the root fields of a query with the read compiler
// (package compile): one SQL statement each, which builds the field's JSON
// in the database. A field it cannot compile is answered by the resolvers,
// and the request records that and why (samverkan.Request.ReadFallbacks,
// in the request's log line, a response header and the benchmark), so no
// fallback goes unseen.
type compiledReads struct {
	compiler *compile.Compiler
	log      *slog.Logger
}

var (
	_ graphql.HandlerExtension     = compiledReads{}
	_ graphql.RootFieldInterceptor = compiledReads{}
)

// ExtensionName names the extension for gqlgen.
func (compiledReads) ExtensionName() string { return "CompiledReads" }

// Validate is called once, when the extension is added to a server.
func (compiledReads) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptRootField answers a root field of a query by its compiled
// statement, or leaves it to the resolvers.
func (r compiledReads) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	oc := graphql.GetOperationContext(ctx)
	rf := graphql.GetRootFieldContext(ctx)
	// Introspection (__schema, __type, __typename) is gqlgen's own.
	if oc.Operation == nil || oc.Operation.Operation != ast.Query || rf == nil || strings.HasPrefix(rf.Field.Name, "__") {
		return next(ctx)
	}
	st, err := r.compiler.Compile(ctx, oc, rf.Field)
	if err != nil {
		r.fellBack(ctx, rf.Field.Alias, err)
		return next(ctx)
	}
	js, err := r.compiler.Run(ctx, st)
	if err != nil {
		// The resolvers answer a refusal or a failure as they always
		// have: the same codes, messages and paths.
		if !errors.Is(err, privacy.Deny) {
			r.fellBack(ctx, rf.Field.Alias, err)
		}
		return next(ctx)
	}
	return rawJSON(js)
}

func (r compiledReads) fellBack(ctx context.Context, alias string, err error) {
	var f *compile.Fallback
	reason := "failed: " + err.Error()
	if errors.As(err, &f) {
		reason = f.Reason
	}
	if req := samverkan.RequestFrom(ctx); req != nil {
		req.ReadFallbacks++
		if req.ReadFallback == "" {
			req.ReadFallback = alias + ": " + reason
		}
	}
	if f == nil {
		// A compiled statement that failed is worth a line of its own.
		r.log.WarnContext(ctx, "compiled read failed; answered by the resolvers",
			"request_id", samverkan.RequestID(ctx), "field", alias, "error", err)
	}
}

// rawJSON is JSON written as it is.
type rawJSON []byte

// MarshalGQL writes the JSON.
func (j rawJSON) MarshalGQL(w io.Writer) { _, _ = w.Write(j) }
