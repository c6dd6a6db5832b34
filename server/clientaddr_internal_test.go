package server

import (
	"net/http/httptest"
	"testing"
)

// The client's address: the connection's, unless that is a trusted proxy,
// then the last address in X-Forwarded-For that is not a trusted proxy's.
func TestClientAddr(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.7, ::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, remote, forwarded, want string
	}{
		{"NoProxy", "198.51.100.1:4000", "", "198.51.100.1"},
		{"HeaderIgnoredFromAnUntrustedAddress", "198.51.100.1:4000", "203.0.113.5", "198.51.100.1"},
		{"FromATrustedProxy", "192.0.2.7:4000", "203.0.113.5", "203.0.113.5"},
		{"ASpoofedStartIgnored", "192.0.2.7:4000", "1.2.3.4, 203.0.113.5", "203.0.113.5"},
		{"ThroughTwoTrustedProxies", "10.1.2.3:4000", "203.0.113.5, 192.0.2.7", "203.0.113.5"},
		{"IPv6Proxy", "[::1]:4000", "2001:db8::5", "2001:db8::5"},
		{"GarbageEndsTheChain", "10.1.2.3:4000", "203.0.113.5, nonsense, 10.9.9.9", "10.9.9.9"},
		{"OnlyProxies", "10.1.2.3:4000", "10.4.4.4", "10.4.4.4"},
		{"NoHeaderFromAProxy", "10.1.2.3:4000", "", "10.1.2.3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/graphql", nil)
			r.RemoteAddr = c.remote
			if c.forwarded != "" {
				r.Header.Set("X-Forwarded-For", c.forwarded)
			}
			if got := clientAddr(r, trusted); got != c.want {
				t.Errorf("client = %s, want %s", got, c.want)
			}
		})
	}
	t.Run("ErrNotAnAddress", func(t *testing.T) {
		if _, err := ParseTrustedProxies("10.0.0.0/8, proxy.example"); err == nil {
			t.Error("a host name was accepted as a trusted proxy")
		}
	})
}
