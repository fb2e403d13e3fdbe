//go:build linux

package testserver

import "syscall"

// sysProcAttr puts the server in its own process group, and has the kernel
// kill it if the thread that started it dies (a crashed test binary leaves
// no server behind).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
