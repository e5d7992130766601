//go:build cgo && !nohdf5

package export

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The crash test re-executes the test binary as a writer (TestCrashChild)
// that streams a spike report and a frame report in small segments forever,
// announcing every closed segment on stdout, and kills it with SIGKILL at a
// random moment. Every closed segment must then be readable, complete and
// hold exactly the records the writer produced; the file being written must
// be recognisably partial; and the closed segments together must hold a
// gap-free prefix of the records.

const crashEnv = "NEURODYN_EXPORT_CRASH_DIR"

const (
	crashSpikesPerStep = 5
	crashWidth         = 10
)

// crashSpike returns spike g of the child's deterministic stream: five per
// 0.1 ms step, precise off-grid times, scrambled ids.
func crashSpike(g int64) (float64, uint64) {
	step := g / crashSpikesPerStep
	return float64(step)*0.1 + float64(g%crashSpikesPerStep)*0.013, uint64((g * 7919) % 1000)
}

func crashFrameValue(k int64, j int) float32 { return float32(k*crashWidth + int64(j)) }

func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("crash-test writer; runs only as a child of TestCrashSafety")
	}
	announce := func(kind string) func(SegmentInfo) {
		return func(s SegmentInfo) { fmt.Printf("closed %s %d %d %s\n", kind, s.Index, s.Records, s.Path) }
	}
	sw, err := NewSpikeWriter(filepath.Join(dir, "spikes.h5"), SortByTime, []string{"net"},
		StreamOptions{BlockBytes: 16 * 400, SegmentRecords: 2000, OnSegment: announce("spikes")})
	if err != nil {
		t.Fatal(err)
	}
	fw, err := NewFrameWriter(filepath.Join(dir, "v.h5"),
		FrameOptions{Population: "net", NodeIDs: iota64(crashWidth), DtMs: 0.1, Units: "mV"},
		StreamOptions{BlockBytes: 4 * crashWidth * 64, SegmentRecords: 300, OnSegment: announce("frames")})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("ready")
	ts := make([]float64, crashSpikesPerStep)
	ids := make([]uint64, crashSpikesPerStep)
	row := make([]float32, crashWidth)
	for k := int64(0); ; k++ {
		for i := range ts {
			ts[i], ids[i] = crashSpike(k*crashSpikesPerStep + int64(i))
		}
		if err := sw.AppendSpikes(ts, ids); err != nil {
			t.Fatal(err)
		}
		for j := range row {
			row[j] = crashFrameValue(k, j)
		}
		if err := fw.AppendFrame(float64(k)*0.1, row); err != nil {
			t.Fatal(err)
		}
	}
}

type announced struct {
	index   int
	records int64
	path    string
}

func TestCrashSafety(t *testing.T) {
	const kills = 24
	rng := rand.New(rand.NewPCG(2024, 6))
	totalClosed := 0
	for trial := 0; trial < kills; trial++ {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		var out bytes.Buffer
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = pw, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pw.Close()
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(pr)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Wait for the writer to start, then kill it at a random moment
		// (0..500 ms of writing: before, during and after segment closes).
		var got []string
		deadline := time.After(30 * time.Second)
	wait:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("trial %d: writer exited before starting: %s", trial, out.String())
				}
				got = append(got, l)
				if l == "ready" {
					break wait
				}
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("trial %d: writer did not start", trial)
			}
		}
		time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		for l := range lines {
			got = append(got, l)
		}
		pr.Close()
		closed := map[string][]announced{}
		for _, l := range got {
			f := strings.Fields(l)
			if len(f) == 5 && f[0] == "closed" {
				idx, _ := strconv.Atoi(f[2])
				n, _ := strconv.ParseInt(f[3], 10, 64)
				closed[f[1]] = append(closed[f[1]], announced{idx, n, f[4]})
			}
		}
		totalClosed += len(closed["spikes"]) + len(closed["frames"])
		checkCrashSpikes(t, trial, filepath.Join(dir, "spikes.h5"), closed["spikes"])
		checkCrashFrames(t, trial, filepath.Join(dir, "v.h5"), closed["frames"])
	}
	if totalClosed == 0 {
		t.Error("no segment was closed in any trial: the kills came too early to test anything")
	}
	t.Logf("%d kills, %d segments announced closed in total", kills, totalClosed)
}

// checkSegments compares the files on disk with the announced segments and
// returns the complete segment paths to verify.
func checkSegments(t *testing.T, trial int, path string, ann []announced) []string {
	t.Helper()
	complete, partial, err := Segments(path)
	if err != nil {
		t.Fatal(err)
	}
	// Publishing precedes the announcement, so one more complete segment
	// than announced is possible; fewer is a lost segment.
	if len(complete) < len(ann) || len(complete) > len(ann)+1 {
		t.Errorf("trial %d: %s: %d complete segments on disk, %d announced", trial, path, len(complete), len(ann))
	}
	for i, a := range ann {
		if a.index != i || i >= len(complete) || complete[i] != a.path {
			t.Errorf("trial %d: announced segment %+v is not complete segment %d on disk", trial, a, i)
		}
	}
	if len(partial) > 1 {
		t.Errorf("trial %d: %s: %d partial files, want at most the one being written: %v", trial, path, len(partial), partial)
	}
	for _, p := range partial {
		if want := SegmentPath(path, len(complete)) + PartialSuffix; p != want {
			t.Errorf("trial %d: partial file %s, want %s (the segment after the last complete one)", trial, p, want)
		}
		// If libhdf5 can open the partial file at all, it must read as
		// incomplete. (Its attribute may already say complete when the kill
		// fell between closing and renaming: the name decides.)
		if f, err := Open(p); err == nil {
			if ok, err := f.Complete(); ok && err == nil {
				t.Errorf("trial %d: partial file %s reads as complete", trial, p)
			}
			f.Close()
		}
	}
	return complete
}

func checkCrashSpikes(t *testing.T, trial int, path string, ann []announced) {
	t.Helper()
	next := int64(0) // the next spike the segments must hold
	for i, seg := range checkSegments(t, trial, path, ann) {
		f, err := Open(seg)
		if err != nil {
			t.Errorf("trial %d: closed segment %s unreadable: %v", trial, seg, err)
			continue
		}
		ok, err := f.Complete()
		f.Close()
		if !ok || err != nil {
			t.Errorf("trial %d: closed segment %s not marked complete (%v)", trial, seg, err)
		}
		pops, err := ReadSpikes(seg)
		if err != nil || len(pops) != 1 {
			t.Errorf("trial %d: reading %s: %v", trial, seg, err)
			continue
		}
		p := pops[0]
		if i < len(ann) && int64(len(p.TimesMs)) != ann[i].records {
			t.Errorf("trial %d: %s holds %d spikes, the writer announced %d", trial, seg, len(p.TimesMs), ann[i].records)
		}
		for k := range p.TimesMs {
			wt, wid := crashSpike(next)
			if p.TimesMs[k] != wt || p.NodeIDs[k] != wid {
				t.Errorf("trial %d: %s spike %d = (%v, %d), want spike %d = (%v, %d)",
					trial, seg, k, p.TimesMs[k], p.NodeIDs[k], next, wt, wid)
				break
			}
			next++
		}
	}
}

func checkCrashFrames(t *testing.T, trial int, path string, ann []announced) {
	t.Helper()
	next := int64(0)
	for i, seg := range checkSegments(t, trial, path, ann) {
		r, err := ReadFrameReport("net", seg)
		if err != nil {
			t.Errorf("trial %d: closed segment %s unreadable: %v", trial, seg, err)
			continue
		}
		if i < len(ann) && int64(r.Frames) != ann[i].records {
			t.Errorf("trial %d: %s holds %d frames, the writer announced %d", trial, seg, r.Frames, ann[i].records)
		}
		if want := float64(next) * 0.1; r.StartMs != want {
			t.Errorf("trial %d: %s starts at %v ms, want %v", trial, seg, r.StartMs, want)
		}
		for k := 0; k < r.Frames; k++ {
			for j := 0; j < crashWidth; j++ {
				if v := r.Data[k*crashWidth+j]; v != crashFrameValue(next, j) {
					t.Fatalf("trial %d: %s frame %d value %d = %v, want %v", trial, seg, k, j, v, crashFrameValue(next, j))
				}
			}
			next++
		}
	}
}
