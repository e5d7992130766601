// Command nirsample trains the quick recipe of the spiking network on the
// Lorenz task, writes its NIR file (model.nir) and a JSON sidecar
// (model.json) with the configuration and every parameter tensor, for
// python/tests/test_nir.py to compare with what nir.read returns.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

type tensor struct {
	Data  []float64 `json:"data"`
	Shape []int     `json:"shape"`
}

func main() {
	out := flag.String("out", "build/nir", "output directory")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "nirsample:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	t0 := time.Now()
	d, err := tasks.GenerateLorenz(tasks.LorenzConfig{EvalT: -1})
	if err != nil {
		return err
	}
	r := snn.LorenzQuick()
	m, res, err := snn.TrainLorenz(context.Background(), r, d)
	if err != nil {
		return err
	}
	f, err := snn.EvaluateForecast(m, d, "test")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(dir, "model.nir")
	if err := m.WriteNIR(path, export.Overwrite()); err != nil {
		return err
	}
	p := m.Params()
	params := map[string]tensor{}
	for i := 0; i < p.NumTensors(); i++ {
		s := p.Spec(i)
		v := p.At(i)
		t := tensor{Data: make([]float64, len(v)), Shape: append([]int(nil), s.Shape...)}
		for k, x := range v {
			t.Data[k] = float64(x)
		}
		params[s.Name] = t
	}
	side := map[string]any{
		"config":       m.Config(),
		"params":       params,
		"nir_version":  export.NIRVersion,
		"test_rmse":    f.RMSE,
		"best_epoch":   res.BestEpoch,
		"train_recipe": r.Name,
	}
	b, err := json.MarshalIndent(side, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "model.json"), b, 0o644); err != nil {
		return err
	}
	fmt.Printf("nirsample: %s trained (%d epochs, test RMSE %.4f, rates E %.1f I %.1f Hz) and written to %s in %.1f s\n",
		r.Name, res.Epochs, f.RMSE, f.RateE, f.RateI, path, time.Since(t0).Seconds())
	return nil
}
