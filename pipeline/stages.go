package pipeline

// Stages returns the pipeline's stages in order. Each mirrors a notebook of
// the reference tutorial (its number is in the title).
func Stages() []Stage {
	return []Stage{
		dataStage(),
		baselinesStage(),
		ctrnnStage(),
		ctrnnSolversStage(), // stage_notebook_extras.go
		rateStage(),
		snnStage(),
		snnExtrasStage(), // stage_snn_extras.go
		synthesisStage(),
		flipflopStage(),
	}
}
