package cedula_test

import (
	"testing"

	"github.com/padron/padron/cedula"
)

func TestMask(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"1036601234": "10******34",
		"72150987":   "72****87",
		"1234567":    "1*****7",
		"123456":     "1****6",
		"12345":      "*****",
		"1234":       "****",
		"123":        "***",
		"":           "",
	} {
		if got := cedula.Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
