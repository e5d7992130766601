package snn

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/neurodyn/neurodyn/internal/ctxtest"
	"github.com/neurodyn/neurodyn/tasks"
)

func cancelLorenz(t *testing.T) *tasks.Dataset {
	t.Helper()
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{TrainT: 10, ValT: 5, TestT: 5, EvalT: -1, SeqLength: 20})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// untimed returns a fit's %+v without its wall-clock timings.
func untimed(f any) string {
	switch v := f.(type) {
	case *ReservoirFit:
		c := *v
		c.HarvestSeconds, c.FitSeconds = 0, 0
		return fmt.Sprintf("%+v", c)
	case *ESNFit:
		c := *v
		c.HarvestSeconds, c.FitSeconds = 0, 0
		return fmt.Sprintf("%+v", c)
	case *ReadoutFit:
		c := *v
		c.Seconds = 0
		return fmt.Sprintf("%+v", c)
	}
	return fmt.Sprintf("%+v", f)
}

// TestFitLorenzContext: a fit under a context never cancelled is
// FitLorenz's bit for bit (readout and report); one stopped at its first,
// second, middle or last look at the context returns context.Canceled and
// leaves the readout as it was: nil on an unfitted reservoir, the previous
// one (the same *Linear) on a fitted one.
func TestFitLorenzContext(t *testing.T) {
	d := cancelLorenz(t)
	reservoir := func(t *testing.T) *Reservoir {
		r, err := NewReservoir(ReservoirConfig{N: 60, SampleMs: 4, Washout: 20, Seed: 2}, 3)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}
	esn := func(t *testing.T) *ESN {
		e, err := NewESN(ESNConfig{N: 40, Washout: 20, Seed: 2}, 3)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	type pair struct {
		ctx     func(ctx context.Context) (any, error)
		plain   func() (any, error)
		readout func() *Linear
	}
	kinds := map[string]func(t *testing.T) pair{
		"reservoir": func(t *testing.T) pair {
			r := reservoir(t)
			return pair{
				func(ctx context.Context) (any, error) { return r.FitLorenzContext(ctx, d) },
				func() (any, error) { return r.FitLorenz(d) },
				func() *Linear { return r.Readout }}
		},
		"esn": func(t *testing.T) pair {
			e := esn(t)
			return pair{
				func(ctx context.Context) (any, error) { return e.FitLorenzContext(ctx, d) },
				func() (any, error) { return e.FitLorenz(d) },
				func() *Linear { return e.Readout }}
		},
	}
	for _, name := range []string{"reservoir", "esn"} {
		t.Run(name, func(t *testing.T) {
			a, b := kinds[name](t), kinds[name](t)
			want, err := a.plain()
			if err != nil {
				t.Fatal(err)
			}
			never := ctxtest.New(-1)
			got, err := b.ctx(never)
			if err != nil {
				t.Fatal(err)
			}
			if untimed(got) != untimed(want) || fmt.Sprintf("%v", *b.readout()) != fmt.Sprintf("%v", *a.readout()) {
				t.Fatalf("with a context never cancelled:\n%s\nwithout:\n%s", untimed(got), untimed(want))
			}
			looks := never.Looks()
			t.Logf("%d looks at the context", looks)
			for _, k := range ctxtest.StopPoints(looks) {
				u := kinds[name](t)
				if _, err := u.ctx(ctxtest.New(k)); !errors.Is(err, context.Canceled) {
					t.Fatalf("unfitted, stopped at look %d of %d: error %v, want context.Canceled", k, looks, err)
				}
				if u.readout() != nil {
					t.Fatalf("unfitted, stopped at look %d: a readout was set", k)
				}
				prev := b.readout()
				w := slices.Clone(prev.W)
				if _, err := b.ctx(ctxtest.New(k)); !errors.Is(err, context.Canceled) {
					t.Fatalf("fitted, stopped at look %d of %d: error %v, want context.Canceled", k, looks, err)
				}
				if b.readout() != prev || !slices.Equal(prev.W, w) {
					t.Fatalf("fitted, stopped at look %d: the readout changed", k)
				}
			}
			// And it fits on as before.
			again, err := b.ctx(context.Background())
			if err != nil || untimed(again) != untimed(want) {
				t.Fatalf("fit after the stops: %v, %s; want %s", err, untimed(again), untimed(want))
			}
		})
	}
}

// TestHarvestContext: stopped, HarvestContext has passed on exactly the
// chunks finished before, with the features a full harvest gives them.
func TestHarvestContext(t *testing.T) {
	r, err := NewReservoir(ReservoirConfig{N: 60, SampleMs: 4, Seed: 2}, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d := cancelLorenz(t)
	rows, chunk := 900, 100
	x := d.Train.Data[:rows*3]
	want := make([]float32, rows*r.F)
	if err := r.Harvest(x, rows, chunk, func(lo, n int, feat []float32) error {
		copy(want[lo*r.F:], feat)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	never := ctxtest.New(-1)
	if err := r.HarvestContext(never, x, rows, chunk, func(int, int, []float32) error { return nil }); err != nil {
		t.Fatal(err)
	}
	for _, k := range ctxtest.StopPoints(never.Looks()) {
		got := make([]float32, rows*r.F)
		passed := 0
		err := r.HarvestContext(ctxtest.New(k), x, rows, chunk, func(lo, n int, feat []float32) error {
			if lo != passed {
				return fmt.Errorf("chunk at %d after %d rows", lo, passed)
			}
			copy(got[lo*r.F:], feat)
			passed = lo + n
			return nil
		})
		if !errors.Is(err, context.Canceled) || passed >= rows {
			t.Fatalf("stopped at look %d: error %v after %d rows", k, err, passed)
		}
		if !slices.Equal(got[:passed*r.F], want[:passed*r.F]) {
			t.Fatalf("stopped at look %d: the %d rows passed on differ from a full harvest's", k, passed)
		}
	}
}

// TestFitReadoutContext: a readout fit under a context never cancelled is
// FitReadout's bit for bit; stopped at any of its looks it returns
// context.Canceled with every parameter unchanged. EvaluateForecastContext
// likewise gives EvaluateForecast's figures, or context.Canceled.
func TestFitReadoutContext(t *testing.T) {
	d := cancelLorenz(t)
	train, err := tasks.NewWindows(&d.Train, 20, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	val, err := tasks.NewWindows(&d.Val, 20, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	model := func() *Model[float32] {
		m, err := New[float32](Config{NE: 16, NI: 4, Seed: 3, Readout: ReadoutFiltered, Dale: DaleAbs})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := model(), model()
	want, err := FitReadout(a, train, val, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	never := ctxtest.New(-1)
	got, err := FitReadoutContext(never, b, train, val, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if untimed(got) != untimed(want) || !slices.Equal(a.Params().Flat(), b.Params().Flat()) {
		t.Fatalf("with a context never cancelled: %s, without: %s (or other parameters)", untimed(got), untimed(want))
	}
	looks := never.Looks()
	t.Logf("FitReadoutContext: %d looks at the context", looks)
	for _, k := range ctxtest.StopPoints(looks) {
		m := model()
		before := slices.Clone(m.Params().Flat())
		if _, err := FitReadoutContext(ctxtest.New(k), m, train, val, 5, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped at look %d of %d: error %v", k, looks, err)
		}
		if !slices.Equal(m.Params().Flat(), before) {
			t.Fatalf("stopped at look %d: parameters changed", k)
		}
	}

	fw, err := EvaluateForecast(a, d, "test")
	if err != nil {
		t.Fatal(err)
	}
	never = ctxtest.New(-1)
	fg, err := EvaluateForecastContext(never, a, d, "test")
	if err != nil || fmt.Sprintf("%+v", *fg) != fmt.Sprintf("%+v", *fw) {
		t.Fatalf("EvaluateForecastContext: %v, %+v; want %+v", err, fg, fw)
	}
	for _, k := range ctxtest.StopPoints(never.Looks()) {
		if f, err := EvaluateForecastContext(ctxtest.New(k), a, d, "test"); !errors.Is(err, context.Canceled) || f != nil {
			t.Fatalf("EvaluateForecastContext stopped at look %d: %v, %v", k, f, err)
		}
	}
}
