package tasks

import (
	"slices"
	"testing"
)

func TestBatcher(t *testing.T) {
	d := reference(t)
	w, _ := d.Windows("train")
	b, err := NewBatcher(w, 64, true, 7)
	if err != nil {
		t.Fatal(err)
	}
	if b.NumBatches() != 218 {
		t.Errorf("%d batches, want 218", b.NumBatches())
	}
	seen := make([]bool, w.Len())
	var sizes []int
	var first []int
	for n := b.Next(); n > 0; n = b.Next() {
		sizes = append(sizes, n)
		if first == nil {
			first = slices.Clone(b.Index)
		}
		for k, i := range b.Index {
			if seen[i] {
				t.Fatalf("window %d drawn twice in an epoch", i)
			}
			seen[i] = true
			if k == 0 || k == n-1 {
				x := b.X[k*150 : (k+1)*150]
				if !slices.Equal(x, w.Input32(i)) || !slices.Equal(b.Y[k*3:(k+1)*3], w.Target32(i)) {
					t.Fatalf("batch slot %d does not hold window %d", k, i)
				}
			}
		}
	}
	if len(sizes) != 218 || sizes[217] != 62 {
		t.Errorf("%d batches, last of %d; want 218, last 62", len(sizes), sizes[len(sizes)-1])
	}
	if slices.Contains(seen, false) {
		t.Error("some window never drawn")
	}
	if slices.IsSorted(first) {
		t.Error("shuffled batcher returned windows in order")
	}
	// Epoch orders are reproducible and differ between epochs.
	b.NextEpoch()
	b.Next()
	second := slices.Clone(b.Index)
	b.SetEpoch(0)
	b.Next()
	if !slices.Equal(b.Index, first) {
		t.Error("epoch 0 order not reproducible")
	}
	if slices.Equal(second, first) {
		t.Error("epochs 0 and 1 have the same order")
	}
	b2, _ := NewBatcher(w, 64, true, 7)
	b2.SetEpoch(1)
	b2.Next()
	if !slices.Equal(b2.Index, second) {
		t.Error("epoch 1 order depends on history")
	}
	// No allocation per batch.
	b.SetEpoch(3)
	if a := testing.AllocsPerRun(100, func() {
		if b.Next() == 0 {
			b.NextEpoch()
		}
	}); a != 0 {
		t.Errorf("Next allocates %v per batch", a)
	}
	// Unshuffled: in order, last batch of 6 for val (47 batches).
	wv, _ := d.Windows("val")
	bv, _ := NewBatcher(wv, 64, false, 0)
	cnt, last := 0, 0
	for n := bv.Next(); n > 0; n = bv.Next() {
		if bv.Index[0] != cnt*64 {
			t.Fatalf("unshuffled batch %d starts at %d", cnt, bv.Index[0])
		}
		cnt, last = cnt+1, n
	}
	if cnt != 47 || last != 6 {
		t.Errorf("val: %d batches, last %d; want 47, 6", cnt, last)
	}
	// Flip-flop trials as a source.
	f, _ := GenerateFlipFlop(FlipFlopConfig{TrainTrials: 40, ValTrials: 1, TestTrials: 1})
	bf, _ := NewBatcher(&f.Train, 32, true, 1)
	if n := bf.Next(); n != 32 || len(bf.X) != 32*300 {
		t.Fatalf("flip-flop batch %d, buffer %d", n, len(bf.X))
	}
	in, tg := f.Train.Trial(bf.Index[5])
	if !slices.Equal(bf.X[5*300:6*300], in) || !slices.Equal(bf.Y[5*300:6*300], tg) {
		t.Error("flip-flop batch slot 5 differs from its trial")
	}
	if _, err := NewBatcher(w, 0, false, 0); err == nil {
		t.Error("batch size 0 accepted")
	}
}

func BenchmarkBatcherLorenz(b *testing.B) {
	d := reference(b)
	w, _ := d.Windows("train")
	bt, _ := NewBatcher(w, 64, true, 1)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		k := bt.Next()
		if k == 0 {
			bt.NextEpoch()
		}
		n += k
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "windows/s")
}

func BenchmarkGenerateLorenz(b *testing.B) {
	for b.Loop() {
		if _, err := GenerateLorenz(LorenzConfig{EvalT: -1}); err != nil {
			b.Fatal(err)
		}
	}
}
