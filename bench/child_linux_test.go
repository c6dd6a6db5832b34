package bench

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A benchmark killed outright (SIGKILL, or a pipe closed under it) takes
// its server with it: the kernel stops the child when the parent dies.
func TestChildDiesWithTheBenchmark(t *testing.T) {
	if dir := os.Getenv("SAMVERKAN_TEST_CHILD_PARENT"); dir != "" {
		// The parent: start a "server" that says where it listens and
		// then waits, print its pid, and wait to be killed. Its files go
		// in the test's directory: killed, it removes none of its own.
		script := filepath.Join(dir, "serve.sh")
		if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'GraphQL API: http://127.0.0.1:1/graphql'\nexec sleep 300\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		c, err := StartChild(context.Background(), script, filepath.Join(dir, "log"), nil)
		if err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("child " + strconv.Itoa(c.Pid()) + "\n")
		time.Sleep(5 * time.Minute)
		return
	}
	parent := exec.Command(os.Args[0], "-test.run=^TestChildDiesWithTheBenchmark$")
	parent.Env = append(os.Environ(), "SAMVERKAN_TEST_CHILD_PARENT="+t.TempDir())
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	var child int
	for sc := bufio.NewScanner(out); sc.Scan(); {
		if pid, ok := strings.CutPrefix(sc.Text(), "child "); ok {
			child, _ = strconv.Atoi(pid)
			break
		}
	}
	if child == 0 {
		parent.Process.Kill()
		t.Fatal("the parent started no child")
	}
	if err := parent.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	parent.Wait()
	// The child goes at once; its parent (init, now) reaps it. Wait up
	// to a minute for that, which a busy machine may need.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		err := syscall.Kill(child, 0)
		if errors.Is(err, syscall.ESRCH) {
			return
		}
		if zombie(child) {
			return // stopped; not yet reaped
		}
		if time.Now().After(deadline) {
			syscall.Kill(child, syscall.SIGKILL)
			t.Fatalf("the child %d still runs a minute after its parent was killed", child)
		}
	}
}

// zombie reports whether the process has ended but not been reaped.
func zombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true // gone
	}
	// pid (comm) state …: the state follows the last ')'.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// Child.CPU reads the server's CPU time from the kernel: a "server" that
// computes for a while shows it, one that sleeps does not.
func TestChildCPU(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "serve.sh")
	// Busy until the file "stop" exists, then asleep.
	body := "#!/bin/sh\necho 'GraphQL API: http://127.0.0.1:1/graphql'\nwhile [ ! -e " + filepath.Join(dir, "stop") + " ]; do :; done\nexec sleep 300\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := StartChild(context.Background(), script, filepath.Join(dir, "log"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	started := time.Now()
	time.Sleep(500 * time.Millisecond)
	busy, err := c.CPU()
	if err != nil {
		t.Fatal(err)
	}
	if busy < 100*time.Millisecond || busy > time.Since(started)+50*time.Millisecond {
		t.Errorf("CPU after 0.5 s of a busy loop = %s", busy)
	}
	if err := os.WriteFile(filepath.Join(dir, "stop"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	before, _ := c.CPU()
	time.Sleep(300 * time.Millisecond)
	if after, err := c.CPU(); err != nil || after-before > 20*time.Millisecond {
		t.Errorf("CPU of a sleeping child grew from %s to %s (%v)", before, after, err)
	}
}
