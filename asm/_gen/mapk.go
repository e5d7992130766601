package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// mapSpec describes an element-wise kernel: every output lane depends only on
// the same lane of the inputs, so blocking and tails cannot change results.
type mapSpec struct {
	name   string
	doc    []string
	sig    string
	ins    []string // input slice parameters
	lenOf  string   // the parameter whose length is n (default: ins[0])
	outs   []string // output slice parameters (may name an input: in place)
	unroll int      // vectors per main-loop iteration
	setup  func()   // loads the constants the body uses
	body   func(in []reg.VecVirtual) []reg.VecVirtual
}

// genMap emits a kernel that runs body over n elements: a main loop of
// unroll vectors, a loop of single vectors, then one masked vector for the
// last n mod vw elements (masked loads read nothing past the slices, masked
// stores write nothing past them). t sets the vector width.
func genMap(t typ, s mapSpec) {
	TEXT(s.name, NOSPLIT, s.sig)
	Pragma("noescape")
	Doc(s.doc...)
	params := map[string]reg.Register{}
	var order []string
	for _, p := range append(append([]string{}, s.ins...), s.outs...) {
		if p == "" {
			continue
		}
		if _, ok := params[p]; !ok {
			params[p] = Load(Param(p).Base(), GP64())
			order = append(order, p)
		}
	}
	if s.lenOf == "" {
		s.lenOf = s.ins[0]
	}
	n := Load(Param(s.lenOf).Len(), GP64())
	if s.setup != nil {
		s.setup()
	}
	step := func(vecs int, mask reg.Register) {
		for v := range vecs {
			in := make([]reg.VecVirtual, len(s.ins))
			for i, p := range s.ins {
				in[i] = t.vec()
				m := Mem{Base: params[p], Disp: v * t.vbytes()}
				if mask != nil {
					t.maskload(m, mask, in[i])
				} else {
					t.movu(m, in[i])
				}
			}
			out := s.body(in)
			for i, p := range s.outs {
				m := Mem{Base: params[p], Disp: v * t.vbytes()}
				if mask != nil {
					t.maskstore(out[i], mask, m)
				} else {
					t.movu(out[i], m)
				}
			}
		}
	}
	advance := func(vecs int) {
		for _, p := range order {
			ADDQ(U32(vecs*t.vbytes()), params[p])
		}
		SUBQ(U32(vecs*t.vw), n)
	}
	if s.unroll > 1 {
		Label("unrolled")
		CMPQ(n, U32(s.unroll*t.vw))
		JL(LabelRef("single"))
		step(s.unroll, nil)
		advance(s.unroll)
		JMP(LabelRef("unrolled"))
	}
	Label("single")
	CMPQ(n, U32(t.vw))
	JL(LabelRef("tail"))
	step(1, nil)
	advance(1)
	JMP(LabelRef("single"))
	Label("tail")
	TESTQ(n, n)
	JZ(LabelRef("done"))
	step(1, t.tail(n))
	Label("done")
	VZEROUPPER()
	RET()
}

func sliceSig(t typ, names ...string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return fmt.Sprintf("%s []%s", s, t.gt)
}
