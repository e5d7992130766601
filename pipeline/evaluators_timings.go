package pipeline

// Timings lists the reservoir evaluator's wall-clock metrics, which sweeps
// keep out of their deterministic CSV table (sweep.Timed).
func (reservoirEvaluator) Timings() []string { return []string{"harvest_s", "fit_s", "closed_loop_s"} }
