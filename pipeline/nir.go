package pipeline

import (
	"fmt"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/snn"
	"github.com/neurodyn/neurodyn/tasks"
)

// SNNNIRInfo returns what the NIR graph of a spiking model trained on
// forecasting dataset d records besides the network (snn.NIRInfo): the
// train split's normalization, the model file (its path as given) and, from
// its metadata, the recipe's name, the run's seed and the model identity.
// meta and d may be nil.
func SNNNIRInfo(meta *ModelMeta, d *tasks.Dataset, modelPath string) snn.NIRInfo {
	info := snn.NIRInfo{Model: modelPath, Extra: map[string]string{}}
	if d != nil && len(d.Mean) > 0 {
		info.Mean, info.Std = append([]float64(nil), d.Mean...), append([]float64(nil), d.Std...)
	}
	if meta != nil {
		info.Extra["recipe"] = meta.Name
		info.Extra["run_seed"] = fmt.Sprint(meta.Seed)
		info.Extra["model_identity"] = meta.Identity
		info.Extra["data"] = meta.Data.Key()
	}
	return info
}

// WriteSNNNIR writes the NIR graph of a spiking model trained on d to path
// (snn.Model.WriteNIRWith with SNNNIRInfo), as the tutorial's snn stage
// and `neurodyn export-nir` write it.
func WriteSNNNIR(path string, m *snn.Model[float32], meta *ModelMeta, d *tasks.Dataset, modelPath string, opts ...export.Option) error {
	return m.WriteNIRWith(path, SNNNIRInfo(meta, d, modelPath), opts...)
}
