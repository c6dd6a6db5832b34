//go:build !linux

package bench

import "os/exec"

// dieWithParent does nothing where the kernel cannot stop a child with its
// parent: an interrupted run stops its server itself (see Child.Stop).
func dieWithParent(*exec.Cmd) {}
