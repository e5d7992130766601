package ctxtest

import (
	"context"
	"slices"
	"testing"
)

func TestLookCounter(t *testing.T) {
	c := New(2)
	var got []error
	for range 4 {
		got = append(got, c.Err())
	}
	if want := []error{nil, nil, context.Canceled, context.Canceled}; !slices.Equal(got, want) || c.Looks() != 4 {
		t.Fatalf("Err() = %v after %d looks, want %v after 4", got, c.Looks(), want)
	}
	never := New(-1)
	for range 100 {
		if err := never.Err(); err != nil {
			t.Fatalf("New(-1).Err() = %v", err)
		}
	}
	if p := StopPoints(10); !slices.Equal(p, []int64{0, 1, 5, 9}) {
		t.Errorf("StopPoints(10) = %v", p)
	}
}
