package samverkan

import (
	"context"
	"errors"
)

// ErrReadFiltered is what a read policy answers, when asked by
// ProbeReadPolicy, for a viewer it lets read only some of a type's rows:
// the rows the viewer sees are chosen by a condition the policy adds to
// the query, which a caller that only asks whether reading is allowed
// (the read compiler) would leave out. Such a caller leaves the read to
// ent's query, which carries the condition.
var ErrReadFiltered = errors.New("the read policy lets this viewer read only some rows")

type probeKey struct{}

// ProbeReadPolicy returns a context for asking a read policy whether the
// viewer may read a type without running a query; a policy that would
// filter the rows then answers ErrReadFiltered instead of allowing.
func ProbeReadPolicy(ctx context.Context) context.Context {
	return context.WithValue(ctx, probeKey{}, true)
}

// ProbingReadPolicy reports whether ctx is one of ProbeReadPolicy.
func ProbingReadPolicy(ctx context.Context) bool {
	probe, _ := ctx.Value(probeKey{}).(bool)
	return probe
}
