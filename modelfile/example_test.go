package modelfile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/neurodyn/neurodyn/ctrnn"
	"github.com/neurodyn/neurodyn/learn"
	"github.com/neurodyn/neurodyn/modelfile"
)

// A model file records the model's kind and configuration: Open rebuilds
// the model from it, and ConfigDiff says why the parameters do not fit a
// model of another configuration.
func Example() {
	dir, _ := os.MkdirTemp("", "modelfile")
	defer os.RemoveAll(dir)
	m, _ := ctrnn.New[float32](ctrnn.Config{Hidden: 8, Tau: 5})
	path := filepath.Join(dir, "ctrnn.npz")
	if err := learn.SaveParams(path, m.Params(), `{"kind":"ctrnn","config":{"Hidden":8,"Tau":5}}`); err != nil {
		fmt.Println(err)
		return
	}
	opened, err := modelfile.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(opened.Header.Kind, opened.CTRNN.Config().Tau)
	stored, _ := modelfile.DecodeConfig(opened.Header.Kind, opened.Header.Config)
	fmt.Println(modelfile.ConfigDiff(modelfile.KindCTRNN, stored, ctrnn.Config{Hidden: 8}))
	// Output:
	// ctrnn 5
	// [Tau: stored 5, given 1]
}
