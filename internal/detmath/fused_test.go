package detmath

import (
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// fusedOp matches the fused multiply-add instructions of every
// architecture in Go's assembly listings: FMADDD, FMSUBD, FNMADDD, FNMSUBD
// (arm64, riscv64, loong64), FMADD, FMSUB, FNMADD, FNMSUB (ppc64le, s390x),
// VFMADD231SD and the like (amd64 at GOAMD64=v3).
var fusedOp = regexp.MustCompile(`FMADD|FMSUB|FNMADD|FNMSUB`)

// TestNoFusedMultiplyAdd compiles the package for the architectures where
// gc fuses multiply-adds and fails on any fused instruction in the
// listing: GOARCH=arm64 go build -gcflags=-S ./internal/detmath, and so on.
// It needs the go command of the host (skipped otherwise, and with -short).
func TestNoFusedMultiplyAdd(t *testing.T) {
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
	for _, target := range []struct {
		name string
		env  []string
	}{
		{"arm64", []string{"GOARCH=arm64"}},
		{"ppc64le", []string{"GOARCH=ppc64le"}},
		{"s390x", []string{"GOARCH=s390x"}},
		{"riscv64", []string{"GOARCH=riscv64"}},
		{"loong64", []string{"GOARCH=loong64"}},
		{"amd64.v3", []string{"GOARCH=amd64", "GOAMD64=v3"}},
	} {
		t.Run(target.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(goCmd, "build", "-gcflags=-S", "-o", os.DevNull, ".")
			cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux"), target.env...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			listing := string(out)
			for _, fn := range []string{"Cos", "Expm1", "Log1p", "reducePi4"} {
				if !strings.Contains(listing, "detmath."+fn+" STEXT") {
					t.Fatalf("no assembly listing for %s in the output of go build -gcflags=-S", fn)
				}
			}
			for line := range strings.Lines(listing) {
				if fusedOp.MatchString(line) {
					t.Errorf("fused instruction: %s", strings.TrimSpace(line))
				}
			}
		})
	}
}
