package leaky

import (
	"fmt"
	"strings"
)

// arg is one slice argument of a method whose length was checked: its
// name, its length, and the least length the method needs (what it is
// called, e.g. "InputDim").
type arg struct {
	name      string
	have, min int
	what      string
}

// lengthPanic panics for the short slices among args of method, with a
// message prefixed by the package of the model (owner: a *ctrnn.Model[T]
// gives "ctrnn: "; nil gives "leaky: "). The callers check the lengths
// first (one comparison per slice and call) and build args only to fail.
func lengthPanic(owner any, method string, args ...arg) {
	pkgName := "leaky"
	if owner != nil {
		t := strings.TrimLeft(fmt.Sprintf("%T", owner), "*")
		if i := strings.IndexByte(t, '.'); i > 0 {
			pkgName = t[:i]
		}
	}
	var msgs []string
	for _, a := range args {
		if a.have < a.min {
			msgs = append(msgs, fmt.Sprintf("len(%s) = %d, want at least %s = %d", a.name, a.have, a.what, a.min))
		}
	}
	panic(fmt.Sprintf("%s: %s: %s", pkgName, method, strings.Join(msgs, "; ")))
}
