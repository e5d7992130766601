package tasks

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neurodyn/neurodyn/internal/param"
	"github.com/neurodyn/neurodyn/tasks/nprand"
)

func TestFlipFlopSeed42Trial(t *testing.T) {
	c := FlipFlopConfig{}.WithDefaults()
	in := make([]float32, 300)
	tg := make([]float32, 300)
	ps := FlipFlopTrial(c, nprand.New(0), 42, in, tg, nil)
	if len(ps) != 36 {
		t.Errorf("%d pulses, want 36", len(ps))
	}
	want := []Pulse{{2, 0, -1}, {3, 0, -1}, {9, 0, -1}, {9, 2, -1}, {11, 0, -1}, {12, 1, -1},
		{16, 2, 1}, {17, 0, 1}, {20, 0, -1}, {21, 0, -1}, {22, 1, 1}, {24, 0, 1}}
	for i, w := range want {
		if i >= len(ps) || ps[i] != w {
			t.Fatalf("pulse %d = %v, want %v", i, ps[i], w)
		}
	}
	if last := tg[297:300]; last[0] != 1 || last[1] != 1 || last[2] != 1 {
		t.Errorf("final state %v, want (1,1,1)", last)
	}
	// Inputs carry the pulses; targets switch on the pulse's step (a bit
	// gets at most one draw per step).
	for _, p := range ps {
		if in[p.T*3+p.Bit] != float32(p.Cmd) {
			t.Errorf("input at %v = %v", p, in[p.T*3+p.Bit])
		}
		if want := float32(max(p.Cmd, 0)); tg[p.T*3+p.Bit] != want {
			t.Errorf("target at %v = %v, want %v", p, tg[p.T*3+p.Bit], want)
		}
	}
}

func TestFlipFlopSplits(t *testing.T) {
	f, err := GenerateFlipFlop(FlipFlopConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s               *FlipFlopSplit
		trials, on, off int
		onFrac          float64
		firstSeed       uint32
	}{
		{&f.Train, 800, 12006, 12163, 0.44689, 42},
		{&f.Val, 100, 1460, 1551, 0.44203, 1042},
		{&f.Test, 100, 1544, 1449, 0.49790, 2042},
	} {
		on, off := c.s.PulseCounts()
		if c.s.Trials != c.trials || on != c.on || off != c.off || c.s.Seeds[0] != c.firstSeed {
			t.Errorf("%s: %d trials, %d/%d pulses, first seed %d; want %d, %d/%d, %d",
				c.s.Name, c.s.Trials, on, off, c.s.Seeds[0], c.trials, c.on, c.off, c.firstSeed)
		}
		if fr := c.s.OnFraction(); math.Abs(fr-c.onFrac) > 5e-6 {
			t.Errorf("%s: ON fraction %.5f, want %.5f", c.s.Name, fr, c.onFrac)
		}
	}
	// All-zero prediction accuracy on test (spec: 0.5021).
	zeros := 0
	for _, v := range f.Test.Targets {
		if v == 0 {
			zeros++
		}
	}
	if acc := float64(zeros) / 30000; math.Abs(acc-0.5021) > 5e-5 {
		t.Errorf("all-zero test accuracy %.4f, want 0.5021", acc)
	}
}

func TestFlipFlopOptions(t *testing.T) {
	c := FlipFlopConfig{Bits: 2, Steps: 30, PulseProb: 0.3, PulseDuration: 3, TrainTrials: 5, ValTrials: 2, TestTrials: 2, InputNoise: 0.1, NoiseSeed: 9}
	f, err := GenerateFlipFlop(c)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := GenerateFlipFlop(c)
	clean := c
	clean.InputNoise = 0
	h, _ := GenerateFlipFlop(clean)
	var dev float64
	for i := range f.Train.Inputs {
		if f.Train.Inputs[i] != g.Train.Inputs[i] {
			t.Fatal("noise is not reproducible")
		}
		dev += float64((f.Train.Inputs[i] - h.Train.Inputs[i]) * (f.Train.Inputs[i] - h.Train.Inputs[i]))
		if f.Train.Targets[i] != h.Train.Targets[i] {
			t.Fatal("noise changed the targets")
		}
	}
	if std := math.Sqrt(dev / float64(len(f.Train.Inputs))); math.Abs(std-0.1) > 0.02 {
		t.Errorf("noise std %.3f, want ≈ 0.1", std)
	}
	// Pulse duration 3: each pulse's command lasts 3 steps unless overwritten.
	s := &h.Train
	for k := 0; k < s.Trials; k++ {
		in, _ := s.Trial(k)
		for _, p := range s.Pulses[k] {
			for d := 0; d < 3 && p.T+d < s.Steps; d++ {
				v := in[(p.T+d)*2+p.Bit]
				if v == 0 {
					t.Fatalf("trial %d pulse %v: input zero at +%d", k, p, d)
				}
			}
		}
	}
}

func TestFlipFlopConfigErrors(t *testing.T) {
	cases := []struct {
		c    FlipFlopConfig
		want string
	}{
		{FlipFlopConfig{Bits: -1}, "tasks: Bits = -1: must be > 0"},
		{FlipFlopConfig{PulseProb: 1.5}, "tasks: PulseProb = 1.5: must be in (0, 1]"},
		{FlipFlopConfig{PulseProb: math.NaN()}, "PulseProb = NaN"},
		{FlipFlopConfig{InputNoise: -0.1}, "InputNoise = -0.1"},
		{FlipFlopConfig{TrainTrials: 1001}, "at most 1000 each"},
		{FlipFlopConfig{Seed: -1}, "tasks: Seed = -1"},
		{FlipFlopConfig{PulseDuration: -2}, "PulseDuration = -2"},
		{FlipFlopConfig{Bits: 1 << 20, Steps: 1 << 20}, "Bits·Steps = 1048576·1048576"},
		{FlipFlopConfig{Bits: 1 << 16, Steps: 1 << 16}, "at most 2^24 values per trial"},             // an int product wraps to 0 on 32-bit platforms
		{FlipFlopConfig{Bits: math.MaxInt32, Steps: math.MaxInt32}, "at most 2^24 values per trial"}, // and past 2^31 there
		{FlipFlopConfig{Bits: math.MaxInt, Steps: math.MaxInt}, "at most 2^24 values per trial"},     // an int product wraps to 1 everywhere
		{FlipFlopConfig{Bits: 100000}, "Bits·Steps·(TrainTrials+ValTrials+TestTrials) = 100000·100·(800+100+100) = 1e+10"},
		{FlipFlopConfig{Bits: 1000, Steps: 1000, TestTrials: 1 << 30}, "at most 1.5e+08 values in all splits"},
	}
	for _, c := range cases {
		_, err := GenerateFlipFlop(c.c)
		if err == nil || !errors.Is(err, param.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}
