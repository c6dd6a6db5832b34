package bench

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel stop the child when the benchmark ends in
// any way, killed included (an interrupted run would otherwise leave its
// server running, and on PostgreSQL its schema in use).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
