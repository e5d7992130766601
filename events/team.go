package events

import "sync"

// Team runs a phase function on W workers and waits for all of them: the
// barrier between the kernel's phases. With one worker, Run calls the
// function inline — no goroutine, no synchronization. Workers are persistent
// goroutines started by NewTeam and stopped by Close; Run allocates nothing.
type Team struct {
	n    int
	f    func(w int)
	wake []chan struct{}
	wg   sync.WaitGroup
}

// NewTeam starts a team of n ≥ 1 workers.
func NewTeam(n int) *Team {
	if n < 1 {
		n = 1
	}
	t := &Team{n: n}
	if n > 1 {
		t.wake = make([]chan struct{}, n)
		for w := range n {
			t.wake[w] = make(chan struct{})
			// The channel is passed, not read from t.wake by the worker,
			// which Close may already have cleared.
			go t.loop(w, t.wake[w])
		}
	}
	return t
}

func (t *Team) loop(w int, wake <-chan struct{}) {
	for range wake {
		t.f(w)
		t.wg.Done()
	}
}

// Size returns the number of workers.
func (t *Team) Size() int { return t.n }

// Run calls f(w) for every worker w concurrently and returns when all have
// returned. It must not be called concurrently with itself.
func (t *Team) Run(f func(w int)) {
	if t.n == 1 {
		f(0)
		return
	}
	t.f = f
	t.wg.Add(t.n)
	for w := range t.n {
		t.wake[w] <- struct{}{}
	}
	t.wg.Wait()
}

// Close stops the workers. The team must not be used afterwards.
func (t *Team) Close() {
	for _, c := range t.wake {
		close(c)
	}
	t.wake = nil
}
