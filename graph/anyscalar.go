package graph

import (
	"encoding/json"
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// The scalar Any (an audit entry's old and new values, for one) is written
// as gqlgen's own is, by encoding/json, but without the line break that
// json.Encoder ends each value with: the response is written as it is
// (datawriter.go), so gqlgen's would land between a value and the comma
// after it.

// MarshalAny writes a value of the scalar Any.
func MarshalAny(v any) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err) // as gqlgen's does; gqlgen answers it as the field's error
		}
		_, _ = w.Write(b)
	})
}

// UnmarshalAny reads a value of the scalar Any, as gqlgen's does.
func UnmarshalAny(v any) (any, error) { return graphql.UnmarshalAny(v) }
