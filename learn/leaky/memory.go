package leaky

import (
	"unsafe"

	"github.com/neurodyn/neurodyn/asm"
	"github.com/neurodyn/neurodyn/internal/memlimit"
	"github.com/neurodyn/neurodyn/ode"
)

// The estimates of this file are what the faces (the C API, learn.Trainer
// through the models' BatchBytes) compare with the memory limit before
// running: Go cannot recover from a failed allocation. They count the
// buffers this package allocates, in elements of T, from the same formulas
// as the allocations.

// gemmScratch is an allowance for the GEMM kernels' packing buffers (asm
// recycles them; they are small for this package's row counts).
const gemmScratch = 64 << 10

// activeStages returns the stages of tab that influence a step: weighted
// in it or feeding a later stage (dopri5's seventh, FSAL stage is
// neither).
func activeStages(tab ode.Tableau) []int {
	var active []int
	for i := range tab.C {
		need := tab.B[i] != 0
		for j := i + 1; j < len(tab.C) && !need; j++ {
			need = tab.A[j][i] != 0
		}
		if need {
			active = append(active, i)
		}
	}
	return active
}

// sizeOf is the size of one T in bytes.
func sizeOf[T asm.Float]() float64 {
	var zero T
	return float64(unsafe.Sizeof(zero))
}

// mul returns the product of xs, every partial product rounded
// (float64(p*x)), so that no multiply-add is fused on arm64 (the
// estimates are compared with limits: the same on every architecture).
func mul(xs ...float64) float64 {
	p := 1.0
	for _, x := range xs {
		p = float64(p * x)
	}
	return p
}

// coreValues counts the values of a core over n rows (and, with dopri5,
// its solver and vector field: about ten n×N blocks).
func coreValues(s Spec, stages int, n float64) float64 {
	N, S, I := float64(s.N), float64(s.N+s.I+1), float64(s.I)
	v := mul(n, N, float64(3+stages)) + mul(n, S) + mul(n, I)
	if s.Method.Adaptive() {
		v += mul(10, n, N)
	}
	return v
}

// TapeBytes estimates the bytes of the BPTT tape of one run of n sequences
// over L intervals: every active stage of every solver step keeps its
// augmented rows and its activations (n·(N+I+1) + n·N values) and, in
// Backward, their gradient (n·N values, buffers a quarter larger). The
// fixed-step solvers take Substeps steps per interval, so the tape grows
// linearly with Substeps (it is reserved at once); dopri5's accepted steps
// are known only as it runs, its buffers grow by half again, and the
// estimate counts one step per interval (Forward refuses each interval
// whose steps would take the tape beyond the memory limit). The fused
// Euler path (Euler with one substep) keeps no tape: its activations and
// their gradient are counted by SeqBytes.
func TapeBytes[T asm.Float](s Spec, n, L int) float64 {
	if s.Method == ode.Euler && s.Substeps == 1 {
		return 0
	}
	tab, err := s.Method.Tableau()
	if err != nil {
		return 0
	}
	steps, growth := float64(max(s.Substeps, 1)), 1.0
	if s.Method.Adaptive() {
		steps, growth = 1, 1.5
	}
	N, S := float64(s.N), float64(s.N+s.I+1)
	slots := mul(float64(L), steps, float64(len(activeStages(tab))))
	return mul(slots, float64(n), mul(S+N, growth)+mul(1.25, N), sizeOf[T]())
}

// SeqBytes estimates the memory (bytes) of a Seq[T] of n sequences of at
// most L steps over a network of shape s: the augmented rows at every
// boundary, the outputs, the fed-back inputs' gradients and the scratch of
// one interval, and with tape the BPTT tape (TapeBytes) or, on the fused
// Euler path, the activations and their gradient at every step. Without a
// tape it does not depend on Substeps: a forward run keeps nothing per
// solver step.
func SeqBytes[T asm.Float](s Spec, n, L int, tape bool) float64 {
	tab, err := s.Method.Tableau()
	if err != nil {
		return 0
	}
	nf, Lf := float64(n), float64(L)
	N, S, I, O := float64(s.N), float64(s.N+s.I+1), float64(s.I), float64(s.O)
	stages := len(tab.C)
	v := mul(Lf+1, nf, S) + mul(Lf, nf, O+I) + mul(nf, N, float64(3+stages)) + coreValues(s, stages, nf)
	fast := s.Method == ode.Euler && s.Substeps == 1
	if fast {
		v += mul(Lf, nf, N) // activations
	}
	v += mul(2, N, S) // the transposed weights and the weight-gradient scratch
	b := mul(v, sizeOf[T]()) + gemmScratch
	if tape {
		if fast {
			b += mul(Lf, nf, N, sizeOf[T]()) // their gradient
		}
		b += TapeBytes[T](s, n, L)
	}
	return b
}

// WorkerBytes estimates the memory (bytes) a Worker[T] of shape s with
// gradient method gc takes for a batch of n sequences of L samples, with
// the gradient (grad) or only the loss: its Seq (SeqBytes, with the tape
// when grad and BPTT) or, with the adjoint, its AdjointSeq (the inputs,
// outputs and input gradients, the checkpoints and the augmented adjoint
// state), the outputs' gradient and the noisy inputs.
func WorkerBytes[T asm.Float](s Spec, gc Gradient, n, L int, grad bool) float64 {
	nf, Lf := float64(n), float64(L)
	N, S, I, O := float64(s.N), float64(s.N+s.I+1), float64(s.I), float64(s.O)
	var b float64
	if gc.Adjoint != nil && grad {
		tab, err := s.Method.Tableau()
		if err != nil {
			return 0
		}
		v := mul(Lf, nf, 2*I+O) + mul(2, nf, S) + mul(3, nf, N) + coreValues(s, len(tab.C), nf)
		if gc.CheckpointEvery > 0 {
			v += mul(Lf/float64(gc.CheckpointEvery)+1, nf, N)
		}
		// The adjoint's augmented state [h, a, g_θ, g_x] and about ten
		// solver blocks of it.
		params := mul(N, S) + mul(O, float64(s.R)+1)
		v += mul(12, mul(2, nf, N)+params+mul(nf, I))
		b = mul(v, sizeOf[T]())
	} else {
		b = SeqBytes[T](s, n, L, grad)
	}
	if grad {
		b += mul(Lf, nf, O+I, sizeOf[T]()) // dY, noisy inputs
	}
	return b
}

// RunBatchBytes estimates the memory (bytes) of RunBatch over n sequences
// of L samples: its Seq and the outputs (and hidden trajectory) it
// returns. It does not depend on Substeps.
func RunBatchBytes[T asm.Float](s Spec, n, L int, hidden bool) float64 {
	nf, Lf := float64(n), float64(L)
	b := SeqBytes[T](s, n, L, false) + mul(nf, Lf+1, float64(s.O), sizeOf[T]())
	if hidden {
		b += mul(nf, Lf+1, float64(s.N), sizeOf[T]())
	}
	return b
}

// PredictLastBytes estimates the memory (bytes) of PredictLast over n
// sequences of L samples in batches of batch: one Seq of min(batch, n)
// sequences and the n outputs. It does not depend on Substeps.
func PredictLastBytes[T asm.Float](s Spec, n, L, batch int) float64 {
	return SeqBytes[T](s, min(batch, n), L, false) + mul(float64(n), float64(s.O), sizeOf[T]())
}

// GenerateBytes estimates the memory (bytes) of Generate for n streams and
// steps outputs each: the streams' states and scratch and the outputs. It
// does not depend on Substeps.
func GenerateBytes[T asm.Float](s Spec, n, steps int) float64 {
	tab, err := s.Method.Tableau()
	if err != nil {
		return 0
	}
	nf := float64(n)
	S := float64(s.N + s.I + 1)
	v := mul(2, nf, S) + coreValues(s, len(tab.C), nf) + mul(nf, float64(s.I+s.O)) + mul(nf, float64(steps), float64(s.O))
	return mul(v, sizeOf[T]())
}

// checkMemory refuses what needs more than the memory limit (an error
// wrapping nderr.ErrMemoryExceeded).
func checkMemory(what string, need float64) error {
	if l := memoryLimit(); need > float64(l) {
		return memlimit.Exceeded(what, need, l)
	}
	return nil
}
