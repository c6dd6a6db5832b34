// Command samverkan serves a region's culture plan as a GraphQL API with an
// admin page, from one SQLite file.
//
//	samverkan                      serve (the same as "samverkan serve")
//	samverkan serve [flags]        serve the API, the playground and the admin page
//	samverkan seed [flags]         load the Örebro plan, or --national the benchmark data
//	samverkan user add USERNAME    create a user, such as the first admin
//
// Run "samverkan help" for the flags.
package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	if err := a.run(ctx, os.Args[1:]); err != nil {
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1) // run has already said why
	}
}
