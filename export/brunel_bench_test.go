//go:build cgo && !nohdf5

package export_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/neurodyn/neurodyn/export"
	"github.com/neurodyn/neurodyn/kernel"
)

// brunelMs is the simulated time of the recording benchmark;
// NEURODYN_BRUNEL_MS overrides it (the figure is for 10 s).
func brunelMs(b *testing.B) float64 {
	if s := os.Getenv("NEURODYN_BRUNEL_MS"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v <= 0 {
			b.Fatalf("NEURODYN_BRUNEL_MS = %q: must be a positive number of ms", s)
		}
		return v
	}
	return 10000
}

// brunelSpec is Brunel's model A (12,500 neurons, 10^7 synapses) with spike
// recorders on both populations and, when traces is set, the membrane
// potential of 100 excitatory neurons sampled every step; without record, no
// recorder at all.
func brunelSpec(b *testing.B, record bool) kernel.Spec {
	spec, err := kernel.Preset("brunel", kernel.PresetOptions{Record: record})
	if err != nil {
		b.Fatal(err)
	}
	if record {
		ids := make([]int, 100)
		for i := range ids {
			ids[i] = i * 97
		}
		spec.Recorders = append(spec.Recorders, kernel.RecorderSpec{Name: "v", Kind: "state", Population: "E",
			Neurons: ids, Variable: "V"})
	}
	return spec
}

// heapWatch samples the Go heap in use and the process's resident set size
// (which includes libhdf5's buffers) while a run goes on, keeping their peaks.
type heapWatch struct {
	stop     chan struct{}
	wg       sync.WaitGroup
	peak     atomic.Uint64
	peakRSS  atomic.Uint64
	baseline uint64
	baseRSS  uint64
}

// cpuSeconds returns the user+system CPU time of the process so far: the
// cost of a run independent of how loaded the machine is.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// rssReader reads VmRSS from /proc/self/status without allocating, so that
// watching memory does not itself allocate.
type rssReader struct {
	f   *os.File
	buf [4096]byte
}

func newRSSReader() *rssReader {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil
	}
	return &rssReader{f: f}
}

// read returns the resident set size in bytes, or 0 if unknown.
func (r *rssReader) read() uint64 {
	if r == nil {
		return 0
	}
	n, _ := r.f.ReadAt(r.buf[:], 0)
	b := r.buf[:n]
	key := []byte("VmRSS:")
	i := bytes.Index(b, key)
	if i < 0 {
		return 0
	}
	var kb uint64
	for _, c := range b[i+len(key):] {
		switch {
		case c >= '0' && c <= '9':
			kb = kb*10 + uint64(c-'0')
		case c == ' ' || c == '\t':
			if kb > 0 {
				return kb << 10
			}
		default:
			return kb << 10
		}
	}
	return kb << 10
}

func (r *rssReader) close() {
	if r != nil {
		r.f.Close()
	}
}

func storeMax(a *atomic.Uint64, v uint64) {
	for {
		p := a.Load()
		if v <= p || a.CompareAndSwap(p, v) {
			return
		}
	}
}

func watchHeap() *heapWatch {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rr := newRSSReader()
	h := &heapWatch{stop: make(chan struct{}), baseline: ms.HeapInuse, baseRSS: rr.read()}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer rr.close()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-t.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				storeMax(&h.peak, ms.HeapInuse)
				storeMax(&h.peakRSS, rr.read())
			}
		}
	}()
	return h
}

// done stops the watcher and returns the peak growth of the heap and of the
// RSS above their values before the run.
func (h *heapWatch) done() (heap, res uint64) {
	close(h.stop)
	h.wg.Wait()
	if p := h.peak.Load(); p > h.baseline {
		heap = p - h.baseline
	}
	if p := h.peakRSS.Load(); p > h.baseRSS {
		res = p - h.baseRSS
	}
	return heap, res
}

// BenchmarkBrunelRecording runs Brunel's network for 10 s of simulated time
// without any recorder (rec=none), with every spike and 100 membrane traces kept
// in memory by the kernel's default sinks (rec=memory), and streamed to SONATA
// files through SpikeWriter and FrameWriter (rec=sonata). Metrics: RTF
// (wall s per simulated s), cpu-s/s (CPU seconds of the whole process, writer
// goroutine included, per simulated s: the cost, less sensitive to a loaded
// machine than RTF), heap-MB and rss-MB (peak growth of the Go heap in
// use and of the resident set above their values before the run: flat
// memory means they do not grow with the run length; compare
// NEURODYN_BRUNEL_MS=2000 with the default), spikes and file MB.
func BenchmarkBrunelRecording(b *testing.B) {
	durMs := brunelMs(b)
	for _, mode := range []string{"none", "memory", "sonata"} {
		b.Run("rec="+mode, func(b *testing.B) {
			b.ReportAllocs()
			var spikes int64
			var fileBytes int64
			var peak, peakRSS uint64
			var cpu float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				net, err := kernel.New(brunelSpec(b, mode != "none"))
				if err != nil {
					b.Fatal(err)
				}
				dir := b.TempDir()
				var sw *export.SpikeWriter
				var fw *export.FrameWriter
				if mode == "sonata" {
					sw, err = export.NewSpikeWriter(filepath.Join(dir, "spikes.h5"), export.SortByTime, []string{"E", "I"}, export.StreamOptions{})
					if err != nil {
						b.Fatal(err)
					}
					for p, pop := range []string{"E", "I"} {
						if err := net.SetSink("spikes:"+pop, sw.Sink(p)); err != nil {
							b.Fatal(err)
						}
					}
					ids := net.Recorder("v").Neurons()
					nodes := make([]uint64, len(ids))
					for k, id := range ids {
						nodes[k] = uint64(id)
					}
					fw, err = export.NewFrameWriter(filepath.Join(dir, "v.h5"), export.FrameOptions{Population: "E", NodeIDs: nodes,
						StartMs: net.DtMs(), DtMs: net.DtMs(), Units: "mV"}, export.StreamOptions{})
					if err != nil {
						b.Fatal(err)
					}
					if err := net.SetSink("v", fw); err != nil {
						b.Fatal(err)
					}
				}
				h := watchHeap()
				cpu0 := cpuSeconds()
				b.StartTimer()
				if err := net.Run(durMs); err != nil {
					b.Fatal(err)
				}
				if err := net.Close(); err != nil {
					b.Fatal(err)
				}
				if sw != nil {
					if err := sw.Close(); err != nil {
						b.Fatal(err)
					}
					if err := fw.Close(); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				cpu += cpuSeconds() - cpu0
				hp, rp := h.done()
				peak, peakRSS = max(peak, hp), max(peakRSS, rp)
				if sw != nil {
					spikes = sw.Appended(0) + sw.Appended(1)
					for _, f := range []string{"spikes.h5", "v.h5"} {
						if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
							fileBytes += st.Size()
						}
					}
				} else if mode == "memory" {
					m := net.Recorder("spikes:E").Spikes()
					spikes = int64(len(m.TimesMs) + len(net.Recorder("spikes:I").Spikes().TimesMs))
				}
				b.StartTimer()
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/(durMs/1000), "RTF")
			b.ReportMetric(cpu/float64(b.N)/(durMs/1000), "cpu-s/s")
			b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
			if peakRSS > 0 {
				b.ReportMetric(float64(peakRSS)/(1<<20), "rss-MB")
			}
			if spikes > 0 {
				b.ReportMetric(float64(spikes), "spikes")
			}
			if fileBytes > 0 {
				b.ReportMetric(float64(fileBytes)/float64(b.N)/(1<<20), "file-MB")
			}
		})
	}
}
