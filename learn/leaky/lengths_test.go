package leaky_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/learn/leaky"
	"github.com/neurodyn/neurodyn/ode"
	"github.com/neurodyn/neurodyn/rate"
)

// TestShortSlicesPanic: a slice shorter than a method needs is a
// programming error, reported by a panic naming the model's package, the
// method, the slice, its length and the length wanted (not a runtime
// "index out of range"); slices of the right length run.
func TestShortSlicesPanic(t *testing.T) {
	cm, err := ctrnn.New[float32](ctrnn.Config{Hidden: 8}) // 3 inputs, 3 outputs
	if err != nil {
		t.Fatal(err)
	}
	rm, err := rate.New[float64](rate.Config{})
	if err != nil {
		t.Fatal(err)
	}
	N := cm.StateDim()
	net, err := leaky.NewNet[float32](leaky.Spec{N: 4, I: 2, O: 2, R: 4, Pops: []leaky.Pop{{Start: 0, Len: 4, Tau: 1}},
		Method: ode.Euler, Interval: 0.1, Substeps: 1})
	if err != nil {
		t.Fatal(err)
	}
	st, err := leaky.NewStream(net, 3)
	if err != nil {
		t.Fatal(err)
	}
	f := func(n int) []float64 { return make([]float64, n) }
	g := func(n int) []float32 { return make([]float32, n) }
	for _, tc := range []struct {
		name      string
		call      func()
		wantPanic string // "" for none
	}{
		{"ctrnn Step", func() { cm.Step(f(3), f(3)) }, ""},
		{"ctrnn Step y", func() { cm.Step(f(1), f(3)) }, "ctrnn: Step: len(y) = 1, want at least OutputDim = 3"},
		{"ctrnn Step x", func() { cm.Step(f(3), f(2)) }, "ctrnn: Step: len(x) = 2, want at least InputDim = 3"},
		{"ctrnn SetState", func() { cm.SetState(f(N)) }, ""},
		{"ctrnn SetState short", func() { cm.SetState([]float64{1}) }, fmt.Sprintf("ctrnn: SetState: len(src) = 1, want at least StateDim = %d", N)},
		{"ctrnn State short", func() { cm.State(f(2)) }, "ctrnn: State: len(dst) = 2"},
		{"ctrnn VectorField h", func() { cm.VectorField(f(N), f(1), f(3)) }, "ctrnn: VectorField: len(h) = 1"},
		{"ctrnn Jacobian jac", func() { cm.Jacobian(f(N), f(N), f(3)) }, fmt.Sprintf("ctrnn: Jacobian: len(jac) = %d, want at least StateDim² = %d", N, N*N)},
		{"ctrnn StepJacobian nil jx", func() { cm.StepJacobian(f(N*N), nil, f(N), f(3)) }, ""},
		{"ctrnn StepJacobian jx", func() { cm.StepJacobian(f(N*N), f(1), f(N), f(3)) }, "ctrnn: StepJacobian: len(jx) = 1"},
		{"ctrnn DecoderJacobian", func() { cm.DecoderJacobian(f(3)) }, "ctrnn: DecoderJacobian: len(jd) = 3"},
		{"rate Step x", func() { rm.Step(f(3), f(1)) }, "rate: Step: len(x) = 1, want at least InputDim = 3"},
		{"stream Step", func() { st.Step(g(6), g(6)) }, ""},
		{"stream Step nil y", func() { st.Step(nil, g(6)) }, ""},
		{"stream Step x", func() { st.Step(nil, g(2)) }, "leaky: Stream.Step: len(x) = 2, want at least Rows·I = 6"},
		{"stream SetState", func() { st.SetState(g(4)) }, "leaky: Stream.SetState: len(src) = 4, want at least Rows·N = 12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if (r != nil) != (tc.wantPanic != "") || (r != nil && !strings.HasPrefix(msg, tc.wantPanic)) {
					t.Fatalf("panic %v, want %q", r, tc.wantPanic)
				}
			}()
			tc.call()
		})
	}
}
