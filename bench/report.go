package bench

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteTable writes one row per operation: the server's requests per
// second, p50 and p99 latency, each beside the floor's and the ratio of the
// two (server ÷ floor), then the server's errors, SQL statements per request
// and, on PostgreSQL, round trips to the database per request (– on
// SQLite), root fields its read compiler left to the resolvers, and its CPU time per
// request (a mixed run's on its reads' row, for reads and writes together).
func WriteTable(w io.Writer, results []Result) error {
	const row = "%-22s %8s %8s %6s   %9s %9s %6s   %9s %9s %6s   %6s %7s %9s %9s %8s\n"
	fmt.Fprintf(w, row, "", "req/s", "", "", "p50", "", "", "p99", "", "", "", "", "", "", "")
	fmt.Fprintf(w, row, "operation", "server", "floor", "ratio", "server", "floor", "ratio", "server", "floor", "ratio", "errors", "SQL/req", "trips/req", "fallbacks", "CPU/req")
	for _, r := range results {
		s, f := r.Server, r.Floor
		cells := []any{r.Op.Name + "  " + r.Op.Title,
			thousands(s.PerSecond()), "–", "–",
			ms(s.Percentile(50)), "–", "–",
			ms(s.Percentile(99)), "–", "–",
			errorsOf(s, f), fmt.Sprintf("%.1f", s.Statements()), "–", strconv.Itoa(s.Fallbacks()), micros(s.CPUPerRequest())}
		if s.counts.RoundTrips > 0 {
			cells[12] = fmt.Sprintf("%.1f", s.RoundTrips())
		}
		if f != nil {
			cells[2], cells[3] = thousands(f.PerSecond()), ratio(s.PerSecond(), f.PerSecond())
			cells[5], cells[6] = ms(f.Percentile(50)), ratio(s.Percentile(50).Seconds(), f.Percentile(50).Seconds())
			cells[8], cells[9] = ms(f.Percentile(99)), ratio(s.Percentile(99).Seconds(), f.Percentile(99).Seconds())
		}
		if _, err := fmt.Fprintf(w, row, cells...); err != nil {
			return err
		}
	}
	return nil
}

// WriteKeptCounts writes, for each operation that counted searches, how
// many of the counts the server gave from those it kept (search/counts.go)
// rather than counting: a kept count is exact, but the figures of an
// operation that reuses them must say how often it did.
func WriteKeptCounts(w io.Writer, results []Result) error {
	var parts []string
	for _, r := range results {
		k := r.KeptCounts
		if n := k.Hits + k.Misses; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %.1f %% of %s", r.Op.Name, 100*float64(k.Hits)/float64(n), thousands(float64(n))))
		}
	}
	if len(parts) == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "Search counts given from those kept (warm-up included): %s.\n", strings.Join(parts, ", "))
	return err
}

// errorsOf is the server's error count, and the floor's if it had any.
func errorsOf(s, f *Measurement) string {
	out := strconv.Itoa(s.Errors)
	if f != nil && f.Errors > 0 {
		out += "+" + strconv.Itoa(f.Errors) + " floor"
	}
	return out
}

// ratio formats a/b with two significant digits or more.
func ratio(a, b float64) string {
	switch r := a / b; {
	case b == 0:
		return "–"
	case r < 10:
		return fmt.Sprintf("%.2f", r)
	case r < 100:
		return fmt.Sprintf("%.1f", r)
	default:
		return fmt.Sprintf("%.0f", r)
	}
}

// ms formats a latency in milliseconds.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// micros formats a CPU time in microseconds, "–" if unknown.
func micros(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// thousands formats a rate as a whole number with thousands separated by
// commas.
func thousands(f float64) string {
	s := strconv.FormatInt(int64(f+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
