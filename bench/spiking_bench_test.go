package bench

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/kernel"
)

// peakRSS returns the process's peak resident set size in bytes (VmHWM).
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return -1
}

// resetPeakRSS asks Linux to restart the VmHWM high-water mark (clear_refs 5);
// it is a no-op elsewhere.
func resetPeakRSS() {
	runtime.GC()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// processCPU returns the CPU time (user + system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runSpiking builds the preset once per iteration (outside the timer) and
// times Run(ms): the same scope as Brian2's run-loop time. It reports the
// real-time factor (wall s per simulated s), synaptic events/s, spikes/s,
// the run's wall time (run-s) and CPU time (cpu-s: what Brian2's standalone
// run time measures, std::clock, without OpenMP), the peak memory (build
// included) and bytes per synapse.
//
// With stream, spikes are recorded through a sink that keeps only a count,
// standing for a streaming writer: recording memory stays bounded.
func runSpiking(b *testing.B, preset string, o kernel.PresetOptions, ms float64, stream bool) {
	spec, err := kernel.Preset(preset, o)
	if err != nil {
		b.Fatal(err)
	}
	resetPeakRSS()
	var wall, cpu time.Duration
	var st kernel.Stats
	var build time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		net, err := kernel.New(spec)
		if err != nil {
			b.Fatal(err)
		}
		build += net.Stats().BuildTime
		if stream {
			for _, r := range net.Recorders() {
				if err := net.SetSink(r.Name(), &countSink{}); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StartTimer()
		t0, c0 := time.Now(), processCPU()
		if err := net.Run(ms); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(t0)
		cpu += processCPU() - c0
		b.StopTimer()
		s := net.Stats()
		st.Spikes += s.Spikes
		st.SynEvents += s.SynEvents
		st.Synapses, st.SynBytes = s.Synapses, s.SynBytes
		net.Close()
		b.StartTimer()
	}
	sec := wall.Seconds()
	n := float64(b.N)
	b.ReportMetric(sec/n, "run-s")
	b.ReportMetric(cpu.Seconds()/n, "cpu-s")
	b.ReportMetric(sec/(n*ms/1000), "rtf")
	b.ReportMetric(float64(st.SynEvents)/sec, "synev/s")
	b.ReportMetric(float64(st.Spikes)/sec, "spikes/s")
	b.ReportMetric(build.Seconds()/n, "build-s")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-MiB")
	if st.Synapses > 0 {
		b.ReportMetric(float64(st.SynBytes)/float64(st.Synapses), "B/syn")
	}
}

// BenchmarkSpikingCUBA: Vogels–Abbott CUBA (Brette et al. 2007) for 1 s at
// 4,000, 16,000 and 64,000 neurons, ~80 synapses per neuron, one worker.
func BenchmarkSpikingCUBA(b *testing.B) {
	for _, n := range []int{4000, 16000, 64000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			runSpiking(b, "cuba", kernel.PresetOptions{N: n, Workers: 1, Record: true}, 1000, false)
		})
	}
}

// BenchmarkSpikingCOBA: the conductance-based version, same sizes.
func BenchmarkSpikingCOBA(b *testing.B) {
	for _, n := range []int{4000, 16000, 64000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			runSpiking(b, "coba", kernel.PresetOptions{N: n, Workers: 1, Record: true}, 1000, false)
		})
	}
}

// BenchmarkSpikingBrunel: Brunel (2000) model A, 12,500 neurons, 1 s, one
// worker.
func BenchmarkSpikingBrunel(b *testing.B) {
	runSpiking(b, "brunel", kernel.PresetOptions{Workers: 1, Record: true}, 1000, false)
}

// BenchmarkSpikingScale: 10⁶ neurons × 10⁸ synapses, built and simulated for
// 1 s (run it alone, so that peak-MiB is its own: make bench-spiking-scale).
// It reports the build time too; the targets are ≤ 2 minutes to build and
// ≤ 2.5 GiB peak, build included.
func BenchmarkSpikingScale(b *testing.B) {
	if testing.Short() {
		b.Skip("scale benchmark skipped in -short mode")
	}
	runSpiking(b, "scale", kernel.PresetOptions{Workers: runtime.GOMAXPROCS(0), Record: true}, 1000, true)
}

// countSink counts what it is given and keeps nothing.
type countSink struct{ n int64 }

func (c *countSink) WriteSpikes(t []float64, _ []uint32) error { c.n += int64(len(t)); return nil }
