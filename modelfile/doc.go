// Package modelfile opens neurodyn's model files: the .npz (or, from the C
// API, .h5) files that hold a model's parameters — or a reservoir's or
// echo-state network's ridge readout — with JSON metadata naming the model's
// kind and configuration (learn.ParamsMetaKey). `neurodyn train`, the
// tutorial pipeline and the C API's neurodyn_model_save write them;
// Open rebuilds the model a file describes, with its stored configuration,
// for the pipeline (pipeline.LoadModel, analyze --model), the C API
// (neurodyn_model_open) and through it Python (neurodyn.load_model).
//
// ConfigDiff compares a stored configuration with a model's and names what
// differs in the dynamics or the parameter layout, so that parameters are
// never loaded into a model they were not trained for (the C API's
// neurodyn_model_load refuses such a file). Provenance is what a model file
// records of the build and run that wrote it (version, revision, build ID,
// seed, configuration, time).
//
// The package is in layer 5 of DEVELOPERS.md's map: it imports learn,
// export, ctrnn, rate and snn; pipeline, cmd/neurodyn and capi import it.
// Its functions are safe for concurrent use; a Model is not (its models
// are not).
package modelfile
