package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
)

// The answer to a read is JSON already: what the compiled statement built,
// or what gqlgen's executor wrote. gqlgen's transport encodes the response
// around it with encoding/json, which compacts and re-escapes the whole
// answer once more (a tenth of a list page's CPU). dataWriter writes such
// an answer as it is, escaped as encoding/json would escape it, so the
// bytes are the same:
//
//   - keepData, a response interceptor, takes an answer that is nothing but
//     data (no errors, no extensions) out of the response and leaves the
//     placeholder 0 in its place;
//   - the transport then encodes {"data":0}, and the http.ResponseWriter
//     the handler wraps (dataWriter) writes the data kept in its place.
//
// Any other response passes through untouched.

// placeholder is what the transport writes for a response whose data was
// kept.
var placeholder = []byte(`{"data":0}`)

type keptDataKey struct{}

// keptData is a request's answer, kept by keepData for dataWriter.
type keptData struct{ data json.RawMessage }

// keepData is the response interceptor half.
type keepData struct{}

var (
	_ graphql.HandlerExtension    = keepData{}
	_ graphql.ResponseInterceptor = keepData{}
)

// ExtensionName names the extension for gqlgen.
func (keepData) ExtensionName() string { return "KeepData" }

// Validate is called once, when the extension is added to a server.
func (keepData) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse keeps a response's data for dataWriter when that is
// all the response holds.
func (keepData) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	kept, _ := ctx.Value(keptDataKey{}).(*keptData)
	if kept == nil || resp == nil || len(resp.Errors) > 0 || len(resp.Extensions) > 0 ||
		resp.Label != "" || resp.Path != nil || resp.HasNext != nil || len(resp.Data) == 0 {
		return resp
	}
	kept.data = resp.Data
	out := *resp
	out.Data = json.RawMessage("0")
	return &out
}

// writeKeptData wraps a handler so that the data keepData kept is written
// in place of the placeholder.
func writeKeptData(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kept := &keptData{}
		next.ServeHTTP(&dataWriter{ResponseWriter: w, kept: kept},
			r.WithContext(context.WithValue(r.Context(), keptDataKey{}, kept)))
	})
}

// dataWriter is the http.ResponseWriter half.
type dataWriter struct {
	http.ResponseWriter
	kept *keptData
}

func (w *dataWriter) Write(b []byte) (int, error) {
	if w.kept.data == nil || !bytes.Equal(b, placeholder) {
		return w.ResponseWriter.Write(b)
	}
	data := w.kept.data
	w.kept.data = nil
	out := make([]byte, 0, len(data)+16)
	out = append(out, `{"data":`...)
	out = appendEscaped(out, data)
	out = append(out, '}')
	if _, err := w.ResponseWriter.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *dataWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// appendEscaped appends compact JSON as encoding/json writes a
// json.RawMessage: <, > and & as \u003c, \u003e and \u0026, and the line
// and paragraph separators U+2028 and U+2029 escaped too. (The JSON is
// compact already: gqlgen's and the compiled statements' both are.)
func appendEscaped(dst, src []byte) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if !mayEscape[c] {
			continue
		}
		switch {
		case c != 0xE2:
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			start = i + 1
		case i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[src[i+2]&0xF])
			i += 2
			start = i + 1
		}
	}
	return append(dst, src[start:]...)
}

// mayEscape marks the bytes appendEscaped looks at: <, >, & and the first
// byte of U+2028 and U+2029.
var mayEscape = [256]bool{'<': true, '>': true, '&': true, 0xE2: true}
