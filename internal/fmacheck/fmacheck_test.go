package fmacheck

import "testing"

// TestFusedOp: the pattern matches the fused multiply-adds of every target
// and none of the separate multiplies and adds.
func TestFusedOp(t *testing.T) {
	for _, ins := range []string{"FMADDD", "FMSUBD", "FNMADDD", "FNMSUBD", "FMADD", "FMSUB", "FNMADD", "FNMSUB",
		"VFMADD231SD", "VFNMADD231SD", "VFMSUB132SD", "FMADDS"} {
		if !fusedOp.MatchString("\t0x0194 00404 (x.go:254)\t" + ins + "\tF1, F3, F4, F1") {
			t.Errorf("%s not matched", ins)
		}
	}
	for _, ins := range []string{"FMULD", "FADDD", "FSUBD", "MULSD", "ADDSD", "VMULSD", "FMOVD"} {
		if fusedOp.MatchString("\t0x0194 00404 (x.go:254)\t" + ins + "\tF1, F3, F4") {
			t.Errorf("%s matched", ins)
		}
	}
}
