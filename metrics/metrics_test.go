package metrics

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/samverkan/samverkan"
)

// Operation names are the clients' to choose: past maxOperations they are
// counted together, so that the output stays bounded. Database errors and
// refusals are counted by what the request recorded.
func TestObserve(t *testing.T) {
	m := New()
	hr := httptest.NewRequest("POST", "/graphql", nil)
	for i := range maxOperations + 50 {
		m.Observe(hr, &samverkan.Request{Operation: fmt.Sprintf("Op%d", i)}, 200, time.Millisecond)
	}
	failed := &samverkan.Request{Operation: "Op0"}
	failed.Failed(samverkan.CodeInternal, true)
	failed.Failed(samverkan.CodeValidation, false)
	m.Observe(hr, failed, 200, 20*time.Second)
	limited := &samverkan.Request{Operation: "Op1"}
	limited.Failed(samverkan.CodeRateLimited, false)
	m.Observe(hr, limited, 429, time.Millisecond)
	m.Observe(httptest.NewRequest("GET", "/healthz", nil), &samverkan.Request{}, 503, time.Millisecond)

	var b strings.Builder
	m.WriteTo(&b)
	out := b.String()
	for _, want := range []string{
		`samverkan_requests_total{operation="(other)",outcome="ok"} 50`, // the names after the first 200
		`samverkan_requests_total{operation="Op0",outcome="INTERNAL"} 1`,
		`samverkan_requests_total{operation="Op1",outcome="RATE_LIMITED"} 1`,
		`samverkan_requests_total{operation="(http)",outcome="HTTP_503"} 1`,
		`samverkan_refused_requests_total{code="RATE_LIMITED"} 1`,
		`samverkan_database_errors_total 1`,
		`samverkan_request_duration_seconds_bucket{le="10"} 252`,
		`samverkan_request_duration_seconds_bucket{le="+Inf"} 253`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("no line %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, `code="INTERNAL"`) {
		t.Error("INTERNAL counted as a refusal; it is the server's fault")
	}
}
