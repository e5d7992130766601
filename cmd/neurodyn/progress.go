package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"
)

// progress returns a pipeline progress callback that draws one bar on
// stderr for the work of every task in progress (stages may run at the
// same time), when bars are wanted (a terminal, no --quiet), else nil. It
// is safe for concurrent use.
func (g *globals) progress() func(stage, task string, done, total int) {
	if !g.bars() {
		return nil
	}
	var (
		mu    sync.Mutex
		bar   *progressbar.ProgressBar
		tasks = map[string][2]int{}
	)
	return func(stage, task string, done, total int) {
		mu.Lock()
		defer mu.Unlock()
		key := stage + ": " + task
		tasks[key] = [2]int{done, total}
		var sumDone, sumTotal int
		var active []string
		for k, v := range tasks {
			sumDone += v[0]
			sumTotal += v[1]
			if v[0] < v[1] {
				active = append(active, fmt.Sprintf("%s %d/%d", k, v[0], v[1]))
			}
		}
		sort.Strings(active)
		if bar == nil {
			bar = progressbar.NewOptions(sumTotal, progressbar.OptionSetWriter(os.Stderr),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		}
		bar.ChangeMax(sumTotal)
		bar.Describe(strings.Join(active, " · "))
		_ = bar.Set(sumDone)
		if len(active) == 0 {
			_ = bar.Finish()
			bar = nil
			clear(tasks)
		}
	}
}
