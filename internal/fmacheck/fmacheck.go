// Package fmacheck lets a package's tests check that the gc compiler fuses
// no multiply-add in it on any architecture where it may: such a fusion
// rounds once where the source rounds twice, so results would differ
// between amd64 (baseline, no fusion) and arm64, ppc64le, s390x, riscv64,
// loong64 or amd64 at GOAMD64=v3. Code that must give the same bits
// everywhere rounds each product explicitly, float64(x*y), which forbids
// the fusion; this check finds the products that are not rounded.
package fmacheck

import (
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// fusedOp matches the fused multiply-add instructions of every
// architecture in Go's assembly listings: FMADDD, FMSUBD, FNMADDD, FNMSUBD
// (arm64, riscv64, loong64), FMADD, FMSUB, FNMADD, FNMSUB (ppc64le, s390x),
// VFMADD231SD and the like (amd64 at GOAMD64=v3).
var fusedOp = regexp.MustCompile(`FMADD|FMSUB|FNMADD|FNMSUB`)

// targets are the architectures where gc fuses multiply-adds.
var targets = []struct {
	name string
	env  []string
}{
	{"arm64", []string{"GOARCH=arm64"}},
	{"ppc64le", []string{"GOARCH=ppc64le"}},
	{"s390x", []string{"GOARCH=s390x"}},
	{"riscv64", []string{"GOARCH=riscv64"}},
	{"loong64", []string{"GOARCH=loong64"}},
	{"amd64.v3", []string{"GOARCH=amd64", "GOAMD64=v3"}},
}

// Check compiles the package in the current directory (a test's working
// directory is its package's) for every target with -gcflags=-S and fails
// t on any fused instruction in the listing, naming the function it is in.
// want lists symbols (package.Func) whose listing must appear, so that a
// change of the listing's format cannot make the check pass vacuously. It
// needs the go command of the host: it skips under -short, without a go
// command, and in a cross-compiled test binary.
func Check(t *testing.T, want ...string) { CheckOn(t, nil, nil, want...) }

// CheckOn is Check on the targets named in arches (of arm64, ppc64le,
// s390x, riscv64, loong64, amd64.v3; nil for all: a package with many
// imports costs a compilation of much of the standard library per target
// on a cold build cache), passing fused instructions in the functions
// named in allow (package.Func, as in want: code whose results need not be
// the same bits everywhere, such as an estimate).
func CheckOn(t *testing.T, arches, allow []string, want ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("compiles the package for six targets")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	host, err := exec.Command(goCmd, "env", "GOHOSTARCH").Output()
	if err != nil || strings.TrimSpace(string(host)) != runtime.GOARCH {
		t.Skip("test binary cross-compiled: the go command is not this architecture's")
	}
	for _, target := range targets {
		if arches != nil && !slices.Contains(arches, target.name) {
			continue
		}
		t.Run(target.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(goCmd, "build", "-gcflags=-S", "-o", os.DevNull, ".")
			cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux"), target.env...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			listing := string(out)
			for _, fn := range want {
				if !strings.Contains(listing, fn+" STEXT") {
					t.Fatalf("no assembly listing for %s in the output of go build -gcflags=-S", fn)
				}
			}
			fn := ""
			for line := range strings.Lines(listing) {
				if i := strings.Index(line, " STEXT"); i > 0 && !strings.HasPrefix(line, "\t") {
					fn = line[:i]
				}
				if fusedOp.MatchString(line) && !allowed(fn, allow) {
					t.Errorf("fused instruction in %s: %s", fn, strings.TrimSpace(line))
				}
			}
		})
	}
}

// allowed reports whether the listing's symbol fn (with its package path)
// is one of allow (package.Func).
func allowed(fn string, allow []string) bool {
	for _, a := range allow {
		if fn == a || strings.HasSuffix(fn, "/"+a) {
			return true
		}
	}
	return false
}
