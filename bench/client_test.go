package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestClientReadsWhatNetHTTPReads sends the same requests with the load
// generator's client and with Go's net/http client (the oracle) to a real
// HTTP server, and compares what each read: status, the headers asked for
// and the body's bytes, for bodies with a length, chunked ones (written
// in pieces larger and smaller than the client's buffer), a server that
// closes after answering, one that closes idle connections between
// requests, and concurrent requests over the kept connections.
func TestClientReadsWhatNetHTTPReads(t *testing.T) {
	var mu sync.Mutex
	var received [][]byte
	mux := http.NewServeMux()
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, b)
		mu.Unlock()
		w.Header().Set("X-SQL-Statements", "3")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)+2))
		w.Write(append(append([]byte("<"), b...), '>'))
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Read-Fallbacks", "1")
		for i := range 40 {
			w.Write(bytes.Repeat([]byte{byte('a' + i%26)}, 1+i*997))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		io.WriteString(w, `{"data":{"closed":true}}`)
	})
	mux.HandleFunc("/refused", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		io.WriteString(w, `{"errors":[{"message":"nej"}]}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	want := []string{"x-sql-statements", "x-read-fallbacks"}
	ctx := context.Background()

	ask := func(c *client, path string, body []byte) (int, map[string]string, []byte) {
		t.Helper()
		var (
			status int
			header map[string]string
			got    []byte
		)
		if err := c.do(ctx, "X-Test: 1\r\n", body, want, func(res *response) error {
			status, header, got = res.status, res.header, bytes.Clone(res.body)
			return nil
		}); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return status, header, got
	}
	oracle := func(path string, body []byte) (int, map[string]string, []byte) {
		t.Helper()
		res, err := http.Post(srv.URL+path, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		got, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		header := map[string]string{}
		for _, w := range want {
			if v := res.Header.Get(w); v != "" {
				header[w] = v
			}
		}
		return res.StatusCode, header, got
	}

	for _, path := range []string{"/small", "/chunked", "/close", "/refused", "/chunked", "/small"} {
		c, err := newClient(srv.URL+path, 2)
		if err != nil {
			t.Fatal(err)
		}
		body := []byte(`{"query":"{ x }","path":"` + path + `"}`)
		for range 3 { // a kept connection, or a new one after a close
			s1, h1, b1 := ask(c, path, body)
			s2, h2, b2 := oracle(path, body)
			if s1 != s2 || !bytes.Equal(b1, b2) || len(h1) != len(h2) || h1["x-sql-statements"] != h2["x-sql-statements"] || h1["x-read-fallbacks"] != h2["x-read-fallbacks"] {
				t.Fatalf("%s: the client read %d %v %d bytes (%.40q), net/http %d %v %d bytes (%.40q)",
					path, s1, h1, len(b1), b1, s2, h2, len(b2), b2)
			}
		}
	}

	// The server closes the idle connections the client keeps (four of
	// them): each next request dials again instead of failing.
	c, err := newClient(srv.URL+"/small", 4)
	if err != nil {
		t.Fatal(err)
	}
	var held sync.WaitGroup
	for i := range 4 {
		held.Go(func() {
			if err := c.do(ctx, "", []byte(strconv.Itoa(i)), nil, func(*response) error { return nil }); err != nil {
				t.Error(err)
			}
		})
	}
	held.Wait()
	srv.CloseClientConnections()
	for i := range 4 {
		if _, _, got := ask(c, "/small", []byte(strconv.Itoa(i))); string(got) != "<"+strconv.Itoa(i)+">" {
			t.Errorf("after the server closed the kept connections: %q, want <%d>", got, i)
		}
	}

	// Concurrent requests each get their own answer.
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				body := strconv.Itoa(g*1000 + i)
				if err := c.do(ctx, "", []byte(body), nil, func(res *response) error {
					if string(res.body) != "<"+body+">" {
						t.Errorf("sent %s, read %q", body, res.body)
					}
					return nil
				}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for _, b := range received {
		if strings.Contains(string(b), "Content-Length") {
			t.Errorf("a body holds the request's head: %q", b)
		}
	}
}

// TestClientEndsWithItsContext checks that a request whose context ends
// while the server has not answered returns at once with an error.
func TestClientEndsWithItsContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	c, err := newClient(srv.URL, 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.do(ctx, "", nil, nil, func(*response) error { return nil }) }()
	cancel()
	if err := <-done; err == nil {
		t.Error("a cancelled request returned no error")
	}
}

func TestClientRefusesWhatItCannotSpeak(t *testing.T) {
	for _, u := range []string{"https://example.org/graphql", "localhost:8080/graphql", "http://"} {
		if _, err := newClient(u, 1); err == nil {
			t.Errorf("newClient(%q) gave no error", u)
		}
	}
}
