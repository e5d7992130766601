//go:build linux

// Command bochsinit is the init process of the AVX-512 emulation test
// (scripts/avx512-bochs.sh, make asm-avx512): a Linux kernel booted in the
// Bochs emulator on an AVX-512 CPU model runs it as /init from an initramfs
// that also holds /asm.test, the asm package's test binary. It prints the
// CPU's model and AVX-512 flags, runs the test binary with the test pattern
// the kernel command line passes as ASMTEST (with -test.short when
// ASMSHORT=1, -asm.paths=ASMPATHS when set and -test.v when ASMVERBOSE=1),
// prints "bochsinit: exit <code>" and powers the machine off, which ends
// Bochs. The output goes to the kernel console, the emulated serial port.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

func main() {
	console()
	code := run()
	fmt.Printf("bochsinit: exit %d\n", code)
	// The console driver sends what was written at the serial port's pace;
	// powering off at once would lose the end of the output.
	time.Sleep(3 * time.Second)
	syscall.Sync()
	if err := syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		fmt.Println("bochsinit: power off:", err)
	}
	select {} // init must not exit: the kernel would panic
}

// console makes the kernel console the standard input, output and error:
// the initramfs holds no device nodes (it is built without root), so the
// kernel started init without them; devtmpfs provides /dev/console.
func console() {
	if err := os.MkdirAll("/dev", 0o755); err != nil {
		return
	}
	if err := syscall.Mount("devtmpfs", "/dev", "devtmpfs", 0, ""); err != nil && !errors.Is(err, syscall.EBUSY) {
		return
	}
	fd, err := syscall.Open("/dev/console", syscall.O_RDWR, 0)
	if err != nil {
		return
	}
	for _, to := range []int{0, 1, 2} {
		if fd != to {
			syscall.Dup3(fd, to, 0)
		}
	}
}

func run() int {
	if err := os.MkdirAll("/proc", 0o755); err == nil {
		if err := syscall.Mount("proc", "/proc", "proc", 0, ""); err != nil {
			fmt.Println("bochsinit: mount /proc:", err)
		}
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(l, ":")
			switch strings.TrimSpace(k) {
			case "model name":
				fmt.Println("bochsinit: cpu", strings.TrimSpace(v))
			case "flags":
				var avx []string
				for _, f := range strings.Fields(v) {
					if strings.HasPrefix(f, "avx") || f == "fma" || f == "bmi2" {
						avx = append(avx, f)
					}
				}
				fmt.Println("bochsinit: flags", strings.Join(avx, " "))
			}
		}
	}
	pattern := os.Getenv("ASMTEST")
	if pattern == "" {
		fmt.Println("bochsinit: ASMTEST (the -test.run pattern) is not set on the kernel command line")
		return 2
	}
	args := []string{"-test.run", pattern}
	if os.Getenv("ASMSHORT") == "1" {
		args = append(args, "-test.short")
	}
	if os.Getenv("ASMVERBOSE") == "1" {
		args = append(args, "-test.v")
	}
	if p := os.Getenv("ASMPATHS"); p != "" {
		args = append(args, "-asm.paths="+p)
	}
	cmd := exec.Command("/asm.test", args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stdout
	cmd.Env = []string{"GOMAXPROCS=1"}
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	fmt.Println("bochsinit:", err)
	return 1
}
