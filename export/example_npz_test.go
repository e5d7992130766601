package export_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/neurodyn/neurodyn/export"
)

// Write the reference tutorial's lorenz_data.npz layout and read it back.
func ExampleWriteNPZ() {
	dir, err := os.MkdirTemp("", "npz")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "lorenz_data.npz")

	train := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6} // two samples of (x, y, z)
	err = export.WriteNPZ(path, []export.NPZArray{
		export.NewNPZArray("train", train, 2, 3),
		export.NewNPZArray("mean", []float64{-0.76, -0.75, 23.47}),
		export.NPZScalar("dt", 0.01),
		export.NPZScalar("seq_length", int64(50)),
	})
	if err != nil {
		log.Fatal(err)
	}
	arrays, err := export.ReadNPZ(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range arrays {
		fmt.Printf("%s %T %v\n", a.Name, a.Data, a.Shape)
	}
	// Output:
	// train []float64 [2 3]
	// mean []float64 [3]
	// dt []float64 []
	// seq_length []int64 []
}
