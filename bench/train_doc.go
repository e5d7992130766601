package bench

// The training area (files train_*, names BenchmarkTrain…; make bench-train).
//
//	BenchmarkTrainEpoch/shards=1,2   one epoch of the reference CT-RNN workload
//	                                 (13,950 windows × 50 steps, H = 64, Euler,
//	                                 batch 64, AdamW, clipping, full BPTT) through
//	                                 learn.Trainer; metrics epochs/s and GFLOP/s
//	                                 (shards=2 under make bench-train's -cpu 1: two
//	                                 goroutines on one core, the cost of sharding)
//	BenchmarkTrainSteps/H=…/mode=…  the engine alone (leaky.Seq, batch 64, 50 steps):
//	                                 forward, and forward + backward, sample-steps/s
//	                                 and GFLOP/s for H = 64 … 1024
//	BenchmarkTrainAdjoint/L=…/grad=… one gradient by BPTT (RK4, 4 substeps, stage
//	                                 tape) or by the adjoint method (RK4 backward on
//	                                 the same grid), batch 16, L = 10, 50, 200:
//	                                 time and B/op (the tape grows with L)
//
// Flops are counted as the model's arithmetic, 2 per multiply-add: per
// sample-step of BPTT, the forward pre-activation W h + U x + b
// (2·H·(H+I+1)), the backward W_recᵀ·dz (2·H²) and the weight gradient
// dz·[h | x | 1]ᵀ (2·H·(H+I+1)); per window the decoder forward, backward and
// gradient (2·O·(H+1) + 2·O·H + 2·O·(H+1)). Element-wise work (tanh, the
// Euler epilogue, Adam) is not counted. For the reference workload that is
// 13,950 × (50 × 25,600 + 1,164) = 17.87 GFLOP per epoch.
//
// bench/torch/ctrnn_epoch.py runs the same epoch in PyTorch, single-threaded
// (torch.set_num_threads(1), OPENBLAS/MKL/OMP_NUM_THREADS=1), as the
// reference's naive nn.Module loop and as a hand-written fused loop;
// make bench-train runs it right after the Go benchmarks and
// bench/torch/compare.py prints the speed-up.
