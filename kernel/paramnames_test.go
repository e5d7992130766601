package kernel

import "testing"

// TestReplaceWords: whole words only, letters by rune (a multibyte letter
// joins the word it touches), everything else copied as it is.
func TestReplaceWords(t *testing.T) {
	m := map[string]string{"VThmV": "v_th_mv", "A": "a"}
	for in, want := range map[string]string{
		"< VThmV = 30": "< v_th_mv = 30",
		"1/|A| ms":     "1/|a| ms",
		"µVThmV":       "µVThmV",
		"VThmV·2 é":    "v_th_mv·2 é",
		"AB A_ A":      "AB A_ a",
		"":             "",
	} {
		if got := replaceWords(in, m); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
