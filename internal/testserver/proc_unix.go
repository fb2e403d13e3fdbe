//go:build unix

package testserver

import (
	"os"
	"os/exec"
	"syscall"
)

// terminate sends SIGTERM to the process's group.
func terminate(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGTERM) }

// kill sends SIGKILL to the process's group.
func kill(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGKILL) }

// exitedBySignal says whether the process ended on a signal.
func exitedBySignal(ee *exec.ExitError) bool {
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled()
}
