package graph

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/followup"
	"github.com/samverkan/samverkan/ent/indicator"
	"github.com/samverkan/samverkan/ent/indicatortarget"
	"github.com/samverkan/samverkan/ent/indicatorvalue"
	"github.com/samverkan/samverkan/live"
)

// Subscriptions travel as server-sent events (the graphql-sse protocol's
// "distinct connections" mode, gqlgen's transport.SSE): a POST like any
// other request, with Accept: text/event-stream, answered by a stream of
// "next" events and a "complete" at the end. Chosen over graphql-ws
// because it is plain HTTP: the same Authorization header, body limit,
// request log, CORS and limits as every request, no second protocol to
// secure, and reverse proxies pass it as they pass any response (with
// buffering off).

// livePing is how often a quiet stream gets a comment, so that proxies and
// the client see that it is alive.
const livePing = 15 * time.Second

// liveSSE is gqlgen's SSE transport behind a writer that can flush through
// the server's middleware and that moves the connection's write deadline
// on with every event: the HTTP server gives an answer a minute to be
// written, which a stream outlives.
type liveSSE struct{}

func (liveSSE) Supports(r *http.Request) bool { return transport.SSE{}.Supports(r) }

func (liveSSE) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	r = r.WithContext(context.WithValue(r.Context(), streamingKey{}, true))
	// Each event is written as the transport frames it, not through
	// keepData's shortcut for whole answers (see datawriter.go).
	r = r.WithContext(context.WithValue(r.Context(), keptDataKey{}, (*keptData)(nil)))
	sw := &streamWriter{ResponseWriter: w, rc: http.NewResponseController(w)}
	_ = sw.rc.SetWriteDeadline(time.Now().Add(2 * livePing))
	transport.SSE{KeepAlivePingInterval: livePing}.Do(sw, r, exec)
}

type streamWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
}

func (w *streamWriter) Flush() {
	_ = w.rc.SetWriteDeadline(time.Now().Add(2 * livePing))
	_ = w.rc.Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *streamWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type streamingKey struct{}

// streamedSubscriptions refuses a subscription sent other than as a stream
// of events: a plain POST or GET would wait for one change and end.
type streamedSubscriptions struct{}

var (
	_ graphql.HandlerExtension        = streamedSubscriptions{}
	_ graphql.OperationContextMutator = streamedSubscriptions{}
)

// ExtensionName names the extension for gqlgen.
func (streamedSubscriptions) ExtensionName() string { return "StreamedSubscriptions" }

// Validate is called once, when the extension is added to a server.
func (streamedSubscriptions) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext refuses a subscription that is not streamed.
func (streamedSubscriptions) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || oc.Operation.Operation != ast.Subscription || ctx.Value(streamingKey{}) != nil {
		return nil
	}
	return refusal(nil, samverkan.CodeBadRequest, nil, "a subscription is sent by POST with the header Accept: text/event-stream, and answered as server-sent events")
}

// isSubscription reports whether ctx is a subscription's.
func isSubscription(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	op := graphql.GetOperationContext(ctx).Operation
	return op != nil && op.Operation == ast.Subscription
}

// readPolicies are the read policies of the types a subscriber follows:
// it must be allowed to read a type to hear of its changes.
var readPolicies = map[string]func(context.Context, *ent.Client) error{
	ent.TypeActivity: func(ctx context.Context, c *ent.Client) error {
		return activity.Policy.EvalQuery(ctx, c.Activity.Query())
	},
	ent.TypeFollowUp: func(ctx context.Context, c *ent.Client) error {
		return followup.Policy.EvalQuery(ctx, c.FollowUp.Query())
	},
	ent.TypeIndicator: func(ctx context.Context, c *ent.Client) error {
		return indicator.Policy.EvalQuery(ctx, c.Indicator.Query())
	},
	ent.TypeIndicatorTarget: func(ctx context.Context, c *ent.Client) error {
		return indicatortarget.Policy.EvalQuery(ctx, c.IndicatorTarget.Query())
	},
	ent.TypeIndicatorValue: func(ctx context.Context, c *ent.Client) error {
		return indicatorvalue.Policy.EvalQuery(ctx, c.IndicatorValue.Query())
	},
}

// changes streams the hub's changes to one subscriber. Before each change
// it checks the subscriber's token again (through the accounts' cache, so
// a revoke or a disabled user ends the stream within the cache's time),
// and reads the record with the subscriber's rights. The stream ends
// ("complete") when the token stops working, when the subscriber missed
// changes (it was too slow), or when the server shuts down: the client
// then reloads what it shows and subscribes again.
func (r *Resolver) changes(ctx context.Context, types []string, ids []int) (<-chan *Change, error) {
	if r.live == nil {
		return nil, samverkan.Errorf(samverkan.CodeBadRequest, "", "this server has no live updates")
	}
	if len(types) == 0 {
		types = live.Types
	}
	for _, t := range types {
		allowed, ok := readPolicies[t]
		if !ok {
			return nil, samverkan.Errorf(samverkan.CodeValidation, "types", "%q is not a type with live updates: %s", t, strings.Join(live.Types, ", "))
		}
		if err := allowed(ctx, r.client); err != nil {
			return nil, err
		}
	}
	client := ""
	if req := samverkan.RequestFrom(ctx); req != nil {
		client = req.Client
	}
	sub, err := r.live.Subscribe(client, types, ids)
	if err != nil {
		return nil, err
	}
	bearer := ""
	if h := graphql.GetOperationContext(ctx).Headers; h != nil {
		if scheme, token, ok := strings.Cut(h.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			bearer = strings.TrimSpace(token)
		}
	}
	withNode := asksFor(ctx, "node")
	out := make(chan *Change)
	go func() {
		defer close(out)
		defer r.live.Unsubscribe(sub)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sub.Lost:
				return
			case e := <-sub.C:
				if bearer != "" && r.accounts != nil {
					if _, err := r.accounts.Authenticate(ctx, bearer); err != nil {
						return
					}
				}
				c := &Change{Action: ChangeAction(e.Action), Type: e.Type, ID: e.ID}
				if withNode && e.Action != live.Delete {
					if n, err := r.client.Noder(ctx, e.ID); err == nil {
						c.Node = n
					}
				}
				select {
				case out <- c:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}
