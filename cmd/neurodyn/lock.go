package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tutorialLock is the lock file of a tutorial run in its output
// directory.
const tutorialLock = ".neurodyn.lock"

// errLocked is what tryLock returns when another process holds the lock.
var errLocked = errors.New("locked by another process")

// outLock is an exclusive lock on a file in an output directory, held
// until release (or the process's end: the system drops the lock of a
// killed process, so no stale lock needs removing).
type outLock struct{ f *os.File }

// release gives the lock up. The lock file stays: removing it would let a
// third process lock a new file while a second still waits on the old one.
func (l *outLock) release() {
	if l != nil && l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

// lockOut takes the exclusive lock of the lock file name in dir (creating
// both), so that two runs never write the same files at once: the second
// fails at once with an error naming the process that holds the lock and
// the way out. flag names the option that chose dir. Where the system has
// no flock (see lock_other.go) it locks nothing.
func lockOut(cmdName, flag, dir, name string) (*outLock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %s: cannot create directory %s: %w", cmdName, flag, dir, err)
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: cannot open the lock file %s: %w", cmdName, flag, path, err)
	}
	if err := tryLock(f); err != nil {
		holder, _ := io.ReadAll(io.LimitReader(f, 1024))
		f.Close()
		if !errors.Is(err, errLocked) {
			return nil, fmt.Errorf("%s: %s: cannot lock %s: %w", cmdName, flag, path, err)
		}
		who := strings.TrimSpace(string(holder))
		if who == "" {
			who = "a process that has not written its pid yet"
		}
		return nil, fmt.Errorf("%s: %s %s is in use by another neurodyn run (%s; lock file %s): wait for it to finish, or choose another %s: %w",
			cmdName, flag, dir, who, path, flag, errLocked)
	}
	// Who holds it, for the error of the next one.
	info := fmt.Sprintf("pid %d: %s, since %s\n", os.Getpid(), strings.Join(os.Args, " "), time.Now().UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(info), 0)
	}
	return &outLock{f: f}, nil
}
