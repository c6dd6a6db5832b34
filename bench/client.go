package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// client is the load generator's HTTP/1.1 client: a connection kept open
// for each request in flight, the request's head written once per
// endpoint, and the response read into a buffer the connection keeps.
//
// It replaces Go's net/http client, which cost the load generator about
// 330 µs of CPU per list page (Q1): at 1,300 requests a second, 0.43 of
// the machine's two cores taken from the server being measured (measured
// in session 11 from /proc). It speaks only what the benchmark needs of
// HTTP/1.1 to a Samverkan server: POST with a body, responses with a
// Content-Length or chunked, kept alive unless the server closes.
type client struct {
	addr string // host:port to dial
	head string // "POST /graphql HTTP/1.1\r\nHost: …\r\n", shared by every request
	idle chan *clientConn
}

// clientTimeout bounds one request, as the net/http client's Timeout did.
const clientTimeout = time.Minute

func newClient(endpoint string, concurrency int) (*client, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q: %w", endpoint, err)
	}
	if u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("endpoint %q: the load generator speaks plain http:// only", endpoint)
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	path := u.RequestURI()
	return &client{
		addr: addr,
		head: "POST " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: application/json\r\n",
		idle: make(chan *clientConn, concurrency),
	}, nil
}

// clientConn is one kept-alive connection and its buffers.
type clientConn struct {
	net.Conn
	r   *bufio.Reader
	req []byte // the request being written
	res []byte // the response body last read
}

// response is what post keeps of an answer. body is the connection's
// buffer: valid until the connection's next request.
type response struct {
	status  int
	header  map[string]string // the headers asked for, by lower-case name
	body    []byte
	closing bool // the server closes the connection after it
}

// do sends body to the endpoint with the extra header lines (each ending
// in "\r\n") and passes the response to read before the connection goes
// back to the pool. When a connection kept from before turns out closed by
// the server meanwhile (after its idle timeout), the request is sent again
// on a new one, once.
func (c *client) do(ctx context.Context, extra string, body []byte, want []string, read func(*response) error) error {
	for attempt := 0; ; attempt++ {
		cc, reused, err := c.conn(ctx, attempt > 0)
		if err != nil {
			return err
		}
		res, err := cc.roundTrip(ctx, c.head, extra, body, want)
		if err != nil {
			cc.Close()
			if reused && attempt == 0 && ctx.Err() == nil && stale(err) {
				continue
			}
			return err
		}
		err = read(res)
		if res.closing {
			cc.Close()
		} else {
			c.put(cc)
		}
		return err
	}
}

// stale reports whether err is what a request on a connection the server
// closed while it was idle meets: nothing at all came back.
func stale(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// conn takes an idle connection, unless fresh, or dials a new one.
func (c *client) conn(ctx context.Context, fresh bool) (*clientConn, bool, error) {
	if !fresh {
		select {
		case cc := <-c.idle:
			return cc, true, nil
		default:
		}
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return nil, false, err
	}
	return &clientConn{Conn: nc, r: bufio.NewReaderSize(nc, 64<<10)}, false, nil
}

// put keeps cc for the next request, or closes it when enough are kept.
func (c *client) put(cc *clientConn) {
	select {
	case c.idle <- cc:
	default:
		cc.Close()
	}
}

func (cc *clientConn) roundTrip(ctx context.Context, head, extra string, body []byte, want []string) (*response, error) {
	deadline := time.Now().Add(clientTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if err := cc.SetDeadline(deadline); err != nil {
		return nil, err
	}
	if ctx.Done() != nil {
		// A cancelled request ends at once: the deadline moves to now.
		stop := context.AfterFunc(ctx, func() { cc.SetDeadline(time.Unix(1, 0)) })
		defer stop()
	}
	cc.req = append(cc.req[:0], head...)
	cc.req = append(cc.req, extra...)
	cc.req = append(cc.req, "Content-Length: "...)
	cc.req = strconv.AppendInt(cc.req, int64(len(body)), 10)
	cc.req = append(cc.req, "\r\n\r\n"...)
	cc.req = append(cc.req, body...)
	if _, err := cc.Write(cc.req); err != nil {
		return nil, err
	}
	return cc.readResponse(want)
}

// readResponse reads a response's status line, headers and body.
func (cc *clientConn) readResponse(want []string) (*response, error) {
	line, err := cc.line()
	if err != nil {
		return nil, err
	}
	proto, rest, _ := strings.Cut(line, " ")
	code, _, _ := strings.Cut(rest, " ")
	res := &response{header: map[string]string{}}
	if res.status, err = strconv.Atoi(code); err != nil || !strings.HasPrefix(proto, "HTTP/1.") {
		return nil, fmt.Errorf("not an HTTP/1.x status line: %q", line)
	}
	res.closing = proto == "HTTP/1.0"
	length, chunked := -1, false
	for {
		line, err := cc.line()
		if err != nil {
			return nil, err
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("malformed header line %q", line)
		}
		name, value = strings.ToLower(name), strings.TrimSpace(value)
		switch name {
		case "content-length":
			if length, err = strconv.Atoi(value); err != nil || length < 0 {
				return nil, fmt.Errorf("bad Content-Length %q", value)
			}
		case "transfer-encoding":
			chunked = strings.EqualFold(value, "chunked")
		case "connection":
			res.closing = strings.EqualFold(value, "close")
		}
		for _, w := range want {
			if name == w {
				res.header[name] = value
			}
		}
	}
	cc.res = cc.res[:0]
	switch {
	case chunked:
		err = cc.readChunked()
	case length >= 0:
		err = cc.readN(length)
	default:
		// No length: the body ends with the connection.
		res.closing = true
		cc.res, err = io.ReadAll(cc.r)
	}
	if err != nil {
		return nil, fmt.Errorf("read response body: %w", err)
	}
	res.body = cc.res
	return res, nil
}

// line reads a line without its CRLF.
func (cc *clientConn) line() (string, error) {
	b, err := cc.r.ReadSlice('\n')
	if err != nil {
		return "", err
	}
	return string(bytes.TrimRight(b, "\r\n")), nil
}

// readN appends the next n bytes to cc.res.
func (cc *clientConn) readN(n int) error {
	start := len(cc.res)
	cc.res = slices.Grow(cc.res, n)[:start+n]
	_, err := io.ReadFull(cc.r, cc.res[start:])
	return err
}

// readChunked appends a chunked body to cc.res.
func (cc *clientConn) readChunked() error {
	for {
		line, err := cc.line()
		if err != nil {
			return err
		}
		size, _, _ := strings.Cut(line, ";")
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			// Trailers, if any, end with an empty line.
			for {
				line, err := cc.line()
				if err != nil {
					return err
				}
				if line == "" {
					return nil
				}
			}
		}
		if err := cc.readN(int(n)); err != nil {
			return err
		}
		if line, err := cc.line(); err != nil || line != "" {
			return fmt.Errorf("chunk not followed by CRLF (%q, %v)", line, err)
		}
	}
}
