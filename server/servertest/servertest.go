// Package servertest wires the server for tests as cmd/samverkan's serve
// does: one accounts service, the GraphQL endpoint over it, and the server
// around both.
package servertest

import (
	"log/slog"
	"net/http"

	"github.com/samverkan/samverkan/accounts"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/live"
	"github.com/samverkan/samverkan/server"
)

// Option changes how Handler wires the server.
type Option func(*config)

type config struct {
	accounts []accounts.Option
	graphql  []graph.Option
	server   []server.Option
}

// Accounts passes options to the accounts service (its clock, its session
// lifetime).
func Accounts(opts ...accounts.Option) Option {
	return func(c *config) { c.accounts = append(c.accounts, opts...) }
}

// GraphQL passes options to the GraphQL endpoint (its limits, compiled
// reads, live updates, Kolada).
func GraphQL(opts ...graph.Option) Option {
	return func(c *config) { c.graphql = append(c.graphql, opts...) }
}

// Live serves live updates from the hub and, as serve does, makes it the
// accounts service's peers: on PostgreSQL (once the hub listens) the other
// servers' changes of tokens and users empty this one's viewer cache.
func Live(hub *live.Hub) Option {
	return func(c *config) {
		c.graphql = append(c.graphql, graph.WithLive(hub))
		c.accounts = append(c.accounts, accounts.WithPeers(hub))
	}
}

// Server passes options to server.New.
func Server(opts ...server.Option) Option {
	return func(c *config) { c.server = append(c.server, opts...) }
}

// Handler returns the server's HTTP handler over client, wired as serve
// wires it.
func Handler(client *ent.Client, db server.Checker, log *slog.Logger, opts ...Option) http.Handler {
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}
	acc := accounts.New(client, cfg.accounts...)
	api := graph.NewHandler(client, acc, log, cfg.graphql...)
	return server.New(client, db, acc, api, log, cfg.server...)
}
