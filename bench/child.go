package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Child is "samverkan serve" running as a child process (of the
// benchmark, so that its memory is its own and can be measured; of a test
// that kills it).
type Child struct {
	cmd *exec.Cmd
	// URL is the GraphQL endpoint the server said it listens at.
	URL     string
	logPath string
	exited  chan struct{}
	waitErr error
	stopped bool
}

// Pid is the child's process id.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// StartChild runs the samverkan program exe with args (a serve), with env
// added to this process's environment, and waits until it says where it
// listens. Its log goes to logPath.
func StartChild(ctx context.Context, exe, logPath string, env []string, args ...string) (*Child, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	dieWithParent(cmd)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s serve: %w", exe, err)
	}
	c := &Child{cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "GraphQL API:"); ok {
				urls <- strings.TrimSpace(url)
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		c.waitErr = cmd.Wait()
		logFile.Close()
		close(c.exited)
	}()
	select {
	case c.URL = <-urls:
		return c, nil
	case <-c.exited:
		return nil, c.Explain(fmt.Errorf("the server exited before it listened: %v", c.waitErr))
	case <-time.After(30 * time.Second):
		c.Stop()
		return nil, c.Explain(errors.New("the server did not listen within 30 s"))
	case <-ctx.Done():
		c.Stop()
		return nil, ctx.Err()
	}
}

// PeakRSS returns the child's peak resident memory in bytes (Linux only).
func (c *Child) PeakRSS() (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("read the server's status: %w", err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read VmHWM %q: %w", v, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in the server's status")
}

// CPU returns the CPU time (user and system, all threads) the child has
// used so far (Linux only), to the kernel's tick of 10 ms.
func (c *Child) CPU() (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("read the server's stat: %w", err)
	}
	// The fields after the command's name, which is in parentheses and
	// may hold spaces: state is the first, utime the 12th, stime the 13th.
	i := bytes.LastIndexByte(stat, ')')
	fields := strings.Fields(string(stat[i+1:]))
	if i < 0 || len(fields) < 13 {
		return 0, fmt.Errorf("read the server's stat: %q", stat)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("read the server's stat: %w", err)
		}
		ticks += n
	}
	// Linux counts in USER_HZ, 100 a second on every architecture Go
	// runs on.
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// Stop asks the child to shut down, as Ctrl-C would, and kills it if it
// has not within 15 s.
func (c *Child) Stop() error {
	if c.stopped {
		return nil
	}
	c.stopped = true
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.exited:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return errors.New("the server did not shut down within 15 s and was killed")
	}
	return c.waitErr
}

// Kill stops the child at once with SIGKILL, as a power cut or the OOM
// killer would: no shutdown, no last writes.
func (c *Child) Kill() {
	c.stopped = true
	_ = c.cmd.Process.Kill()
	<-c.exited
}

// Explain adds the end of the server's log to err.
func (c *Child) Explain(err error) error {
	log, _ := os.ReadFile(c.logPath)
	if len(log) == 0 {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	return fmt.Errorf("%w\nthe server's log ends with:\n%s", err, strings.Join(lines[max(0, len(lines)-10):], "\n"))
}
