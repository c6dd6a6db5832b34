package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/samverkan/samverkan/graph"
	"github.com/samverkan/samverkan/live"
	"github.com/samverkan/samverkan/server"
)

// limitFlags are serve's flags for the limits on what one request may
// cost (graph.Limits) and on how often one client may change anything.
type limitFlags struct {
	maxCost, maxDepth, maxTokens, maxRepeats *int
	timeout                                  *time.Duration
	mutationRate                             *float64
	mutationBurst                            *int
	subscriptions, subscriptionsPerClient    *int
}

// Default mutation rate: generous for people editing by hand and for
// scripts that pace themselves; a runaway loop is slowed down.
const (
	defaultMutationRate  = 50
	defaultMutationBurst = 100
)

// limitEnv names the environment variable of each limit flag.
var limitEnv = map[string]string{
	"max-cost":       "SAMVERKAN_MAX_COST",
	"max-depth":      "SAMVERKAN_MAX_DEPTH",
	"max-tokens":     "SAMVERKAN_MAX_TOKENS",
	"max-repeats":    "SAMVERKAN_MAX_REPEATS",
	"timeout":        "SAMVERKAN_TIMEOUT",
	"mutation-rate":  "SAMVERKAN_MUTATION_RATE",
	"mutation-burst": "SAMVERKAN_MUTATION_BURST",

	"max-subscriptions":            "SAMVERKAN_MAX_SUBSCRIPTIONS",
	"max-subscriptions-per-client": "SAMVERKAN_MAX_SUBSCRIPTIONS_PER_CLIENT",
}

func addLimitFlags(fs *flag.FlagSet) *limitFlags {
	d := graph.DefaultLimits
	return &limitFlags{
		maxCost:       fs.Int("max-cost", d.MaxCost, "most records a query may ask for, nested page sizes multiplied (0: no limit)"),
		maxDepth:      fs.Int("max-depth", d.MaxDepth, "deepest a query may nest fields (0: no limit)"),
		maxTokens:     fs.Int("max-tokens", d.MaxTokens, "most tokens a query's text may have (0: no limit)"),
		maxRepeats:    fs.Int("max-repeats", d.MaxRepeats, "most fields a query may repeat under one name in a selection set, plus fragment spreads (0: no limit)"),
		timeout:       fs.Duration("timeout", d.Timeout, "longest a request may run (0: no limit)"),
		mutationRate:  fs.Float64("mutation-rate", defaultMutationRate, "changes per second one client may make on average (0: no limit)"),
		mutationBurst: fs.Int("mutation-burst", defaultMutationBurst, "changes one client may make at once"),

		subscriptions:          fs.Int("max-subscriptions", live.DefaultMaxTotal, "most live subscriptions the server holds at once (0: no limit)"),
		subscriptionsPerClient: fs.Int("max-subscriptions-per-client", live.DefaultMaxPerClient, "most live subscriptions one client (address) holds at once (0: no limit)"),
	}
}

// resolve fills each limit flag that the command line did not give from
// its environment variable, and checks them all.
func (l *limitFlags) resolve(a *app, fs *flag.FlagSet) error {
	if err := a.fromEnv(fs, limitEnv); err != nil {
		return err
	}
	if *l.maxCost < 0 || *l.maxDepth < 0 || *l.maxTokens < 0 || *l.maxRepeats < 0 || *l.timeout < 0 || *l.mutationRate < 0 ||
		*l.subscriptions < 0 || *l.subscriptionsPerClient < 0 {
		fmt.Fprintln(a.stderr, "samverkan: a limit cannot be negative; 0 turns it off")
		return errUsage
	}
	if *l.mutationRate > 0 && *l.mutationBurst < 1 {
		fmt.Fprintln(a.stderr, "samverkan: --mutation-burst must be at least 1")
		return errUsage
	}
	return nil
}

// graph are the GraphQL endpoint's limits.
func (l *limitFlags) graph() graph.Limits {
	limits := graph.Limits{MaxCost: *l.maxCost, MaxDepth: *l.maxDepth, MaxTokens: *l.maxTokens, MaxRepeats: *l.maxRepeats, Timeout: *l.timeout}
	if *l.mutationRate > 0 {
		limits.Mutations = server.NewRateLimiter(*l.mutationRate, *l.mutationBurst)
	}
	return limits
}

// hubOptions are the live updates' caps.
func (l *limitFlags) hubOptions() []live.Option {
	return []live.Option{live.WithCaps(*l.subscriptionsPerClient, *l.subscriptions)}
}

// writeTimeout is how long the server may take to answer a request, from
// the end of its headers: the request's own time, and then time to send a
// large answer to a slow client.
func (l *limitFlags) writeTimeout() time.Duration {
	return max(time.Minute, *l.timeout+30*time.Second)
}
