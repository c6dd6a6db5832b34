package kolada

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samverkan/samverkan"
)

// Client fetches key figures from Kolada's API v3.
type Client struct {
	base *url.URL
	http *http.Client
}

// The bounds of a fetch: the municipalities asked for in one request
// (Kolada refuses long lists in a path; 8 is known to pass), the pages
// followed at most (a loop of next_page must end), and the bytes of one
// page.
const (
	municipalitiesPerRequest = 8
	maxPages                 = 1000
	maxPageBytes             = 32 << 20
)

// New returns a client of the API at baseURL, such as DefaultURL or a test
// server's address. Each request may take 30 seconds at most.
func New(baseURL string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the Kolada address %q is not an http(s) URL", baseURL)
	}
	return &Client{base: u, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

// URL returns the API's address, with any password hidden.
func (c *Client) URL() string { return c.base.Redacted() }

// Fetch returns the key figure's values for the municipalities (by
// kommunkod) and years, following next_page to the last page. A key
// figure Kolada does not know is NOT_FOUND on the field koladaKpi; Kolada
// unreachable, answering with an error or not in its format is UPSTREAM.
func (c *Client) Fetch(ctx context.Context, kpi string, municipalities []string, years []int) ([]Datum, error) {
	var known struct {
		Values *[]json.RawMessage `json:"values"`
	}
	body, err := c.get(ctx, c.endpoint("kpi", kpi))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &known); err != nil || known.Values == nil {
		if err == nil {
			err = errors.New(`no "values": expected {"count": …, "values": […]}`)
		}
		return nil, badAnswer(body, err)
	}
	if len(*known.Values) == 0 {
		return nil, samverkan.Errorf(samverkan.CodeNotFound, "koladaKpi", "Kolada knows no key figure %s: check the indicator's koladaKpi", kpi)
	}
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	var data []Datum
	for start := 0; start < len(municipalities); start += municipalitiesPerRequest {
		chunk := municipalities[start:min(start+municipalitiesPerRequest, len(municipalities))]
		next := c.endpoint("data", "kpi", kpi, "municipality", strings.Join(chunk, ","), "year", strings.Join(ys, ","))
		for pages := 0; next != ""; pages++ {
			if pages == maxPages {
				return nil, upstream("Kolada's answer went on for more than %d pages", maxPages)
			}
			body, err := c.get(ctx, next)
			if err != nil {
				return nil, err
			}
			p, err := decodePage(body)
			if err != nil {
				return nil, badAnswer(body, err)
			}
			data = append(data, p.Values...)
			if next, err = c.follow(p.NextPage); err != nil {
				return nil, err
			}
		}
	}
	return data, nil
}

// endpoint returns the address of a path under the API's, each part
// escaped.
func (c *Client) endpoint(parts ...string) string {
	u := *c.base
	for _, p := range parts {
		u = *u.JoinPath(p)
	}
	return u.String()
}

// follow checks a next_page address: it must be on Kolada's host, so that
// an answer cannot send the server to ask anywhere else.
func (c *Client) follow(next string) (string, error) {
	if next == "" {
		return "", nil
	}
	u, err := c.base.Parse(next)
	if err != nil || u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return "", upstream("Kolada's next_page %q is not an address of %s", next, c.URL())
	}
	return u.String(), nil
}

// get fetches one page.
func (c *Client) get(ctx context.Context, addr string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr, nil)
	if err != nil {
		return nil, fmt.Errorf("kolada: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	rsp, err := c.http.Do(req)
	if err != nil {
		return nil, unreachable(ctx, c.URL(), err)
	}
	defer rsp.Body.Close()
	if rsp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(rsp.Body, 64<<10))
		return nil, upstream("Kolada (%s) answered %s", c.URL(), rsp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(rsp.Body, maxPageBytes+1))
	switch {
	case err != nil:
		return nil, unreachable(ctx, c.URL(), err)
	case len(body) > maxPageBytes:
		return nil, upstream("a page of Kolada's answer is larger than %d MiB", maxPageBytes>>20)
	}
	return body, nil
}

// badAnswer words an answer that is not in Kolada's format.
func badAnswer(body []byte, err error) error {
	if !json.Valid(body) {
		return upstream("Kolada's answer is not JSON")
	}
	return upstream("Kolada's answer is not in its v3 format: %v", err)
}

// unreachable words a failure to reach Kolada, or to read its answer.
func unreachable(ctx context.Context, addr string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // without the address, which may carry a password
	}
	switch {
	case ctx.Err() != nil:
		// The request's own deadline: a TIMEOUT, as for any other request.
		return fmt.Errorf("fetch from Kolada: %w", ctx.Err())
	case errors.Is(err, context.DeadlineExceeded):
		return upstream("Kolada (%s) did not answer within 30 s", addr)
	}
	return upstream("Kolada (%s) cannot be reached (%v); try again later, or import its JSON from a file", addr, err)
}
