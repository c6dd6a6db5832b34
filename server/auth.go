package server

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/graph"
)

// authenticate reads the request's bearer token, if it has one, and makes
// the request act for its viewer. A token that is malformed, unknown,
// expired or revoked is refused with 401 at once, rather than served as
// anonymous: a client that sends a token expects it to count. On a private
// server, it also marks the request so that reading needs a viewer (the ent
// policies refuse anonymous reads).
//
// The token is never logged; the log line names the user.
func authenticate(acc *accounts.Service, private bool, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := auth.NewContext(r.Context(), nil) // anonymous, until a token or a login says who
		if private {
			ctx = auth.RequireSignInForReads(ctx)
		}
		if header := r.Header.Get("Authorization"); header != "" {
			scheme, token, _ := strings.Cut(header, " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				refuse(w, r, "the Authorization header must be \"Bearer <token>\"")
				return
			}
			v, err := acc.Authenticate(ctx, strings.TrimSpace(token))
			if err != nil {
				if accounts.IsRefusal(err) {
					refuse(w, r, err.Error())
					return
				}
				graph.WriteError(w, r, graph.ErrorFor(ctx, log, err, "during", "authenticate"), graph.JSON)
				return
			}
			if req := samverkan.RequestFrom(ctx); req != nil {
				req.User = v.Username
			}
			auth.SignedIn(ctx, v)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// refuse answers 401 with an UNAUTHENTICATED error.
func refuse(w http.ResponseWriter, r *http.Request, msg string) {
	graph.WriteError(w, r, &samverkan.Error{Code: samverkan.CodeUnauthenticated, Message: msg}, graph.JSON)
}
